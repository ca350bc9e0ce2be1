-- wrk script for POST /api/v1/events: each thread posts its share of a traffic file as NDJSON bodies, in order,
-- round-robin across threads so that all threads move through event time together, once (a thread stops after
-- its last body: posting the same events again would only measure the engine skipping late events). wrk's own
-- requests/s counts the idle tail; examples/bench/ingest.sh times the run from Sentinel's counters instead.
-- wrk -t2 -c4 -d5s -s examples/bench/ingest.lua URL -- TRAFFIC.jsonl EVENTS_PER_BODY THREADS
local counter = 0
function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end

function init(args)
  local path, size, threads = args[1], tonumber(args[2]), tonumber(args[3])
  bodies, next_body, refused = {}, 0, 0
  local chunk, n = {}, 0
  for line in io.lines(path) do
    chunk[#chunk + 1] = line
    if #chunk == size then
      if n % threads == id then bodies[#bodies + 1] = table.concat(chunk, "\n") end
      n, chunk = n + 1, {}
    end
  end
end

function request()
  next_body = next_body + 1
  if next_body > #bodies then
    -- Everything is posted: stop, and send a harmless request for the call that asked.
    wrk.thread:stop()
    return wrk.format("GET", "/health")
  end
  return wrk.format("POST", "/api/v1/events", {["Content-Type"] = "application/x-ndjson"}, bodies[next_body])
end

function response(status, headers, body)
  if status ~= 202 then refused = refused + 1 end
end
