-- bench/inquiries.lua: wrk script for bench/inquiries.  TOKEN is one
-- user's API token; MODE=list asks GET /api/inquiries (a page of 50,
-- newest first), MODE=board GET /api/inquiries/board, MODE=board_ui the
-- board as the UI asks for it (30 cards a column, only the fields a card
-- shows).
local token = os.getenv("TOKEN")
local mode = os.getenv("MODE") or "list"
local paths = {
	list = "/api/inquiries?limit=50",
	board = "/api/inquiries/board",
	board_ui = "/api/inquiries/board?cards=30&fields=title,value,planned_close_date,handler_id,status_id",
}
request = function()
	return wrk.format("GET", paths[mode] or paths.list, {["Authorization"] = "Bearer " .. token})
end
