package dev.vouch.cli;

/**
 * A command whose standard output is only something to read (a table, a tree, a summary), not a file, key, proof or
 * verdict another step relies on: {@code show}, {@code events}, {@code tail}, {@code tasks}, {@code status},
 * {@code stats}, {@code risk}, {@code approvals}. When its standard output is a pipe whose reader left ({@code | less}
 * quit early, {@code | head}), {@link VouchCli#run} ends it quietly with {@value VouchCli#EXIT_READER_LEFT}, as a
 * command killed by SIGPIPE ends, instead of the message that what it received is incomplete (an outside trial's
 * {@code vouch show ... | less}, the demo's own suggestion, ended in that message). A full disk still gets it.
 */
interface ReadingCommand {
}
