// loadMore.tsx: the "Pokaż więcej" button under a list that pages by cursor.
import { t } from '../i18n';

export function LoadMore(p: { onMore: () => void; small?: boolean }) {
  return (
    <button type="button" class={p.small ? 'btn btn-small' : 'btn'} onClick={p.onMore}>
      {t('action.loadMore')}
    </button>
  );
}
