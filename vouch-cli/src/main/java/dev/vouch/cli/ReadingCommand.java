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
    /**
     * The journal whose records it printed without verifying them, named in the line {@link VouchCli#run} adds on
     * standard error after a successful run; null when its output is verified or says so itself ({@code status}). An
     * outside trial's {@code vouch tasks} on a tampered copy printed the altered parameters, exit 0, and no hint.
     */
    default java.nio.file.Path unverifiedJournal() {
        return null;
    }
}
