/**
 * The Lua scripts of shared presence (presence.ts), each one atomic in Redis. Keys under a prefix:
 * `nodes` (a sorted set of node ids by last heartbeat, Redis's clock), `node:<id>` (a hash of that
 * node's sockets per user), `grace:<user>` (the start of a grace under way).
 */

// A user's devices over the live nodes. ARGV[1] the prefix; `user` a user id.
const TOTAL = `
local function total(p, user)
  local n = 0
  for _, node in ipairs(redis.call('ZRANGE', p .. 'nodes', 0, -1)) do
    n = n + (tonumber(redis.call('HGET', p .. 'node:' .. node, user)) or 0)
  end
  return n
end
local function now()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
`
// ARGV: prefix, node, user, node TTL ms. 1 when the user came online (not back within a grace).
export const CONNECT = `${TOTAL}
local p, node, user = ARGV[1], ARGV[2], ARGV[3]
redis.call('HINCRBY', p .. 'node:' .. node, user, 1)
redis.call('PEXPIRE', p .. 'node:' .. node, ARGV[4])
redis.call('ZADD', p .. 'nodes', now(), node)
if total(p, user) > 1 then return 0 end
if redis.call('DEL', p .. 'grace:' .. user) == 1 then return 0 end
return 1`
// ARGV: prefix, node, user, grace TTL ms. The grace's start when that was the user's last device, else 0.
export const DISCONNECT = `${TOTAL}
local p, node, user = ARGV[1], ARGV[2], ARGV[3]
if redis.call('HINCRBY', p .. 'node:' .. node, user, -1) <= 0 then redis.call('HDEL', p .. 'node:' .. node, user) end
if total(p, user) > 0 then return 0 end
local since = now()
redis.call('SET', p .. 'grace:' .. user, since, 'PX', ARGV[4])
return since`
// ARGV: prefix, user, the grace's start. 1 when the user goes offline now (no device back, same grace).
export const GRACE_OVER = `${TOTAL}
local p, user = ARGV[1], ARGV[2]
if total(p, user) > 0 or redis.call('GET', p .. 'grace:' .. user) ~= ARGV[3] then return 0 end
redis.call('DEL', p .. 'grace:' .. user)
return 1`
// ARGV: prefix, users... A flag per user: a device on a live node, or a grace under way.
export const ONLINE = `${TOTAL}
local p = ARGV[1]
local flags = {}
for i = 2, #ARGV do
  flags[i - 1] = (total(p, ARGV[i]) > 0 or redis.call('EXISTS', p .. 'grace:' .. ARGV[i]) == 1) and 1 or 0
end
return flags`
// ARGV: prefix, user.
export const COUNT = `${TOTAL}
return total(ARGV[1], ARGV[2])`
// ARGV: prefix, node, node TTL ms, timeout ms, then user, sockets... (the node's own count, which
// heals what a call lost while Redis was away). Beats for `node`, then takes the dead nodes (each
// claimed by one caller only) out: returns [user, last seen ms, ...] for their users now offline.
export const BEAT = `${TOTAL}
local p, node = ARGV[1], ARGV[2]
local at = now()
redis.call('ZADD', p .. 'nodes', at, node)
redis.call('DEL', p .. 'node:' .. node)
for i = 5, #ARGV, 2 do redis.call('HSET', p .. 'node:' .. node, ARGV[i], ARGV[i + 1]) end
redis.call('PEXPIRE', p .. 'node:' .. node, ARGV[3])
local offline = {}
for _, dead in ipairs(redis.call('ZRANGEBYSCORE', p .. 'nodes', '-inf', at - tonumber(ARGV[4]), 'WITHSCORES')) do
  table.insert(offline, dead)
end
local gone = {}
for i = 1, #offline, 2 do
  local dead, last = offline[i], offline[i + 1]
  if redis.call('ZREM', p .. 'nodes', dead) == 1 then
    local users = redis.call('HKEYS', p .. 'node:' .. dead)
    redis.call('DEL', p .. 'node:' .. dead)
    for _, user in ipairs(users) do
      if total(p, user) == 0 and redis.call('EXISTS', p .. 'grace:' .. user) == 0 then
        table.insert(gone, user)
        table.insert(gone, last)
      end
    end
  end
end
return gone`
