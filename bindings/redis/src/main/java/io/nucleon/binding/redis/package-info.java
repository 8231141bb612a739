/**
 * The {@code redis} data binding: a pooled, thread-safe Jedis client that functions fetch as {@link
 * io.nucleon.binding.redis.RedisBinding} for key/value commands, plus pub/sub subscriptions that run on threads of
 * their own and re-subscribe when their connection drops. The processor creates it from {@code spec.dataBindings},
 * checks it with a PING before the first event and closes it at shutdown. See docs/bindings/redis.md.
 */
package io.nucleon.binding.redis;
