package dev.vouch.ledger.internal;

import dev.vouch.verify.RecordBuffer;
import dev.vouch.verify.RecordSource;
import dev.vouch.verify.StripeReader;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A journal's {@link StorageRecordSource} whose stripes are short, so that the small journals of tests are read by
 * many stripes, handed over between readers at every document.
 */
public final class ShortStripes implements RecordSource {
    private final StorageRecordSource source;
    private final int stripeBytes;

    private ShortStripes(StorageRecordSource source, int stripeBytes) {
        this.source = source;
        this.stripeBytes = stripeBytes;
    }

    /** With {@code stripeBytes} 1, every data document is a stripe of its own. */
    public static ShortStripes open(Path dir, int stripeBytes) throws IOException {
        return new ShortStripes(StorageRecordSource.open(dir), stripeBytes);
    }

    @Override
    public StripeReader[] stripes(int readers) {
        return source.stripes(readers, stripeBytes);
    }

    @Override
    public boolean next(RecordBuffer into) throws IOException {
        return source.next(into);
    }

    @Override
    public String position() {
        return source.position();
    }

    @Override
    public long positionToken() {
        return source.positionToken();
    }

    @Override
    public String position(long token) {
        return source.position(token);
    }

    @Override
    public long estimatedRecords() {
        return source.estimatedRecords();
    }

    @Override
    public void close() throws IOException {
        source.close();
    }
}
