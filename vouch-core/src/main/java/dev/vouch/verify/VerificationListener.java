package dev.vouch.verify;

/** Hears about failures as they are found and about progress, so a caller can stream them. Both optional. */
public interface VerificationListener {
    VerificationListener NONE = new VerificationListener() {
    };

    /** Called for every failure, in journal order, including those beyond what the report keeps. */
    default void onFailure(Failure failure) {
    }

    /** Called every {@link JournalVerifier#PROGRESS_INTERVAL} records. */
    default void onProgress(long recordsRead, long estimatedTotal) {
    }
}
