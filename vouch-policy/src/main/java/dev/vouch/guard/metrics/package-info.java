/** Micrometer meters for a guard (optional: Micrometer need not be on the class path). */
package dev.vouch.guard.metrics;
