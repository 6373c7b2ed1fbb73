-- bench/inquiries.lua: wrk script for bench/inquiries.  TOKEN is one
-- user's API token; MODE=list asks GET /api/inquiries (a page of 50,
-- newest first), MODE=board GET /api/inquiries/board.
local token = os.getenv("TOKEN")
local mode = os.getenv("MODE") or "list"
request = function()
	local path = mode == "board" and "/api/inquiries/board" or "/api/inquiries?limit=50"
	return wrk.format("GET", path, {["Authorization"] = "Bearer " .. token})
end
