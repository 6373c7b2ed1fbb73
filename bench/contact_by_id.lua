-- contact_by_id.lua: wrk script for GET /api/contacts/{id}, ids drawn
-- uniformly from [BENCH_MIN_ID, BENCH_MAX_ID] (bench/run passes both, and
-- BENCH_TOKEN for the Authorization header, through the environment).

local min_id = tonumber(os.getenv("BENCH_MIN_ID"))
local max_id = tonumber(os.getenv("BENCH_MAX_ID"))
local token = os.getenv("BENCH_TOKEN")
assert(min_id and max_id and min_id <= max_id, "BENCH_MIN_ID/BENCH_MAX_ID not set")
assert(token and token ~= "", "BENCH_TOKEN not set")

local headers = {["Authorization"] = "Bearer " .. token, ["Accept"] = "application/json"}

-- Each wrk thread has its own Lua state: give each its own random sequence.
local nthreads = 0
function setup(thread)
	nthreads = nthreads + 1
	thread:set("tid", nthreads)
end

function init(args)
	math.randomseed(os.time() * 1000 + (tid or 0) * 7919)
end

function request()
	local id = math.random(min_id, max_id)
	return wrk.format("GET", "/api/contacts/" .. id, headers)
end
