/**
 * Test support for real brokers: {@link io.nucleon.testing.brokers.SharedBroker} checks that a service the
 * machine runs is there (skipping on a developer's machine without it, failing in CI); {@link
 * io.nucleon.testing.brokers.BrokerProcess} runs a broker binary of the test's own on a free port so an
 * outage test can stop and restart it without touching the shared services; and {@link
 * io.nucleon.testing.brokers.TcpProxy} sits between a client and a shared broker so a test can cut the
 * client off (and let it back) while the broker keeps running.
 */
package io.nucleon.testing.brokers;
