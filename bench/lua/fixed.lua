-- The same request every time, read from the spec file given as the first script argument.
package.path = "./?.lua;" .. package.path
local common = require("common")

local request_text

function init(args)
  local spec = common.read_spec(args[1])
  request_text = wrk.format(spec.method, spec.path, spec.headers, spec.body)
end

function request()
  return request_text
end

setup = common.setup
response = common.response
done = common.done
