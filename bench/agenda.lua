-- bench/agenda.lua: wrk script for bench/agenda.  MODE=reminders asks
-- GET /api/reminders with a random demo user's token; MODE=calendar asks a
-- random user's week of GET /api/calendar.  TOKENS and USERS are
-- space-separated lists; FROM and TO the week (ISO 8601); FIELDS, when
-- set, is sent as fields= (what the UI asks for), with INQUIRY_FIELDS as
-- the reminders' inquiry_fields=.
local tokens, users = {}, {}
for t in string.gmatch(os.getenv("TOKENS") or "", "%S+") do tokens[#tokens + 1] = t end
for u in string.gmatch(os.getenv("USERS") or "", "%S+") do users[#users + 1] = u end
local mode = os.getenv("MODE") or "reminders"
local from, to = os.getenv("FROM"), os.getenv("TO")
local fields = os.getenv("FIELDS") or ""
local ifields = os.getenv("INQUIRY_FIELDS") or ""
math.randomseed(os.time())

request = function()
	local t = tokens[math.random(#tokens)]
	local path
	if mode == "calendar" then
		path = "/api/calendar?from=" .. from .. "&to=" .. to .. "&user_id=" .. users[math.random(#users)]
	else
		path = "/api/reminders"
	end
	if fields ~= "" then
		path = path .. (mode == "calendar" and "&" or "?") .. "fields=" .. fields
		if mode ~= "calendar" and ifields ~= "" then path = path .. "&inquiry_fields=" .. ifields end
	end
	return wrk.format("GET", path, {["Authorization"] = "Bearer " .. t})
end
