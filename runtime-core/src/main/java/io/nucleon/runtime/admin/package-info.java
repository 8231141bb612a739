/** The processor's admin endpoint: liveness, readiness, Prometheus metrics and a JSON status. */
package io.nucleon.runtime.admin;
