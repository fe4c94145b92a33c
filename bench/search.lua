-- wrk script for the search rows of the 50k-service benchmark (bench/run.sh):
-- every request asks for another PC4 (1000-9999, all in the generated
-- postcode table) and another word from the generated descriptions.
--
--   wrk ... -s bench/search.lua http://127.0.0.1:PORT -- api    (JSON API)
--   wrk ... -s bench/search.lua http://127.0.0.1:PORT -- html   (search page)
--
-- Each wrk thread gets its own fixed seed, so runs ask the same sequence.

local words = {
	"koffie", "maaltijd", "vervoer", "klussen", "wandelen", "computer", "taal",
	"mantelzorg", "dementie", "schulden", "boodschappen", "bewegen", "tuin",
	"respijtzorg", "administratie", "yoga", "wonen", "digitaal", "ontmoeting",
	"vrijwilligerswerk",
}
local mode = "api"
local threads = 0

function setup(thread)
	threads = threads + 1
	thread:set("thread_no", threads)
end

function init(args)
	mode = args[1] or "api"
	math.randomseed(7919 * (thread_no or 1))
end

function request()
	local pc = math.random(1000, 9999)
	local word = words[math.random(#words)]
	local path
	if mode == "html" then
		path = string.format("/nl/voorzieningen?postcode=%d&q=%s", pc, word)
	else
		path = string.format("/api/v1/services?near=%d&q=%s&limit=20", pc, word)
	end
	return wrk.format("GET", path)
end
