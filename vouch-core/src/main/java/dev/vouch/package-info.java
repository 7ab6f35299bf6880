/**
 * What agent code programs against: {@link dev.vouch.Recorder} and the reusable {@link dev.vouch.Event} it records,
 * the three states of an event ({@link dev.vouch.Durability}), the event vocabularies ({@link dev.vouch.EventKind},
 * {@link dev.vouch.Decision}, {@link dev.vouch.Risk}) and the exceptions every Vouch module throws.
 */
package dev.vouch;
