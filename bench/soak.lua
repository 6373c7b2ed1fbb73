-- soak.lua: wrk script for bench/soak, a mix of what an office does all day:
--
--   35%  GET   /api/contacts/{id}              (id uniform over the demo ids)
--   15%  GET   /api/contacts?q=<prefix>&limit=20
--   10%  GET   /api/contacts?<filter>&limit=20   (city, kind, owner, status)
--   15%  POST  /api/contacts                   (a new lead, marked with the run)
--   10%  PATCH /api/contacts/{id} + If-Match   (a contact this thread created,
--                                                with the version its last reply gave)
--   15%  POST  /api/notes                      (a note on a demo contact)
--
-- Every write is meant to succeed: a PATCH only ever names a contact that
-- this wrk thread created and has no other request in flight for, with the
-- version from that contact's last reply, so a 409 means a real bug.
-- Environment (bench/soak sets it): BENCH_TOKEN, BENCH_MIN_ID, BENCH_MAX_ID,
-- BENCH_PREFIXES (comma-separated), BENCH_RUN (a marker unique to the run).
-- Replies are counted by status per thread; done() prints them as
-- "soak-status <code> <count>" lines for bench/soak to read.

local min_id = tonumber(os.getenv("BENCH_MIN_ID"))
local max_id = tonumber(os.getenv("BENCH_MAX_ID"))
local token = os.getenv("BENCH_TOKEN")
local list = os.getenv("BENCH_PREFIXES")
local run = os.getenv("BENCH_RUN")
assert(min_id and max_id and min_id <= max_id, "BENCH_MIN_ID/BENCH_MAX_ID not set")
assert(token and token ~= "", "BENCH_TOKEN not set")
assert(list and list ~= "", "BENCH_PREFIXES not set")
assert(run and run:match("^[A-Za-z0-9]+$"), "BENCH_RUN not set (letters and digits)")

local get_headers = {["Authorization"] = "Bearer " .. token, ["Accept"] = "application/json"}
local json_headers = {["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json"}

local searches = {}
for p in string.gmatch(list, "[^,]+") do
	searches[#searches + 1] = wrk.format("GET", "/api/contacts?q=" .. p .. "&limit=20", get_headers)
end
assert(#searches > 0, "BENCH_PREFIXES holds no prefix")

-- Filters a list page is opened with (percent-encoded UTF-8).
local filters = {
	"city=Krak%C3%B3w", "city=Warszawa", "city=Gda%C5%84sk", "city=%C5%81%C3%B3d%C5%BA",
	"kind=lead", "kind=customer", "status=active", "owner_id=2", "owner_id=3",
	"city=Pozna%C5%84&kind=customer", "archived=false&sort=-updated_at",
}
local lists = {}
for _, f in ipairs(filters) do
	lists[#lists + 1] = wrk.format("GET", "/api/contacts?" .. f .. "&limit=20", get_headers)
end

local cities = {"Krak\\u00f3w", "Warszawa", "Gda\\u0144sk", "Wroc\\u0142aw", "Pozna\\u0144", "Lublin"}
local marker = "Soak" .. run

local nthreads = 0
local threads = {}
function setup(thread)
	nthreads = nthreads + 1
	thread:set("tid", nthreads)
	threads[#threads + 1] = thread
end

-- Per thread: contacts it created and may update, {id, version} each,
-- not in flight; the count of replies by status; a serial for names.
local owned = {}
statuses = {}
local serial = 0

function init(args)
	math.randomseed(os.time() * 1000 + (tid or 0) * 7919)
end

local function create()
	serial = serial + 1
	local body = string.format(
		'{"last_name":"%s","first_name":"T%dn%d","city":"%s","kind":"lead","visibility":"company"}',
		marker, tid or 0, serial, cities[math.random(#cities)])
	return wrk.format("POST", "/api/contacts", json_headers, body)
end

function request()
	local r = math.random(100)
	if r <= 35 then
		return wrk.format("GET", "/api/contacts/" .. math.random(min_id, max_id), get_headers)
	elseif r <= 50 then
		return searches[math.random(#searches)]
	elseif r <= 60 then
		return lists[math.random(#lists)]
	elseif r <= 75 then
		return create()
	elseif r <= 85 then
		local c = table.remove(owned)
		if not c then
			return create()
		end
		local h = {["Authorization"] = json_headers["Authorization"], ["Content-Type"] = "application/json",
			["If-Match"] = '"' .. c.version .. '"'}
		local body = string.format('{"city":"%s"}', cities[math.random(#cities)])
		return wrk.format("PATCH", "/api/contacts/" .. c.id, h, body)
	else
		local body = string.format('{"contact_id":%d,"body":"soak %s note %d"}',
			math.random(min_id, max_id), run, math.random(1000000))
		return wrk.format("POST", "/api/notes", json_headers, body)
	end
end

function response(status, headers, body)
	statuses[status] = (statuses[status] or 0) + 1
	-- A contact of this run (created or updated here) can be updated next.
	if (status == 200 or status == 201) and body:sub(1, 6) == '{"id":' and body:find(marker, 1, true) then
		local id = tonumber(body:match('^{"id":(%d+)'))
		local version = tonumber(body:match('"version":(%d+)'))
		if id and version then
			owned[#owned + 1] = {id = id, version = version}
		end
	end
end

function done(summary, latency, requests)
	local total = {}
	for _, t in ipairs(threads) do
		local s = t:get("statuses")
		for code, n in pairs(s or {}) do
			total[code] = (total[code] or 0) + n
		end
	end
	for code, n in pairs(total) do
		io.write(string.format("soak-status %d %d\n", code, n))
	end
end
