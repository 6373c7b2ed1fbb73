-- contact_search.lua: wrk script for GET /api/contacts?q=<prefix>&limit=20,
-- the prefix drawn uniformly from BENCH_PREFIXES (comma-separated, already
-- folded: lower case ASCII, no diacritics).  bench/run passes it and
-- BENCH_TOKEN (Authorization header) through the environment.

local token = os.getenv("BENCH_TOKEN")
local list = os.getenv("BENCH_PREFIXES")
local limit = os.getenv("BENCH_SEARCH_LIMIT") or "20"
assert(token and token ~= "", "BENCH_TOKEN not set")
assert(list and list ~= "", "BENCH_PREFIXES not set")

local headers = {["Authorization"] = "Bearer " .. token, ["Accept"] = "application/json"}

-- The requests are formatted once; request() only picks one.
local requests = {}
for p in string.gmatch(list, "[^,]+") do
	requests[#requests + 1] = wrk.format("GET", "/api/contacts?q=" .. p .. "&limit=" .. limit, headers)
end
assert(#requests > 0, "BENCH_PREFIXES holds no prefix")

local nthreads = 0
function setup(thread)
	nthreads = nthreads + 1
	thread:set("tid", nthreads)
end

function init(args)
	math.randomseed(os.time() * 1000 + (tid or 0) * 7919)
end

function request()
	return requests[math.random(#requests)]
end
