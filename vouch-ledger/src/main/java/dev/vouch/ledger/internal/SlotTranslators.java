package dev.vouch.ledger.internal;

import com.lmax.disruptor.EventTranslatorOneArg;
import com.lmax.disruptor.EventTranslatorTwoArg;
import dev.vouch.Event;
import dev.vouch.internal.format.EventEncoder;

/**
 * Static, non-capturing translators (a capturing lambda would allocate per call). The producer has already
 * checked the event's size against the limit before claiming a slot, so nothing here can throw half-way.
 */
final class SlotTranslators {
    private SlotTranslators() {
    }

    public static final EventTranslatorTwoArg<Slot, Event, Waiter> EVENT = SlotTranslators::translateEvent;

    public static final EventTranslatorOneArg<Slot, Waiter> ROTATE_KEY = (slot, seq, waiter) -> command(slot, Slot.Command.ROTATE_KEY, waiter);
    public static final EventTranslatorOneArg<Slot, Waiter> CLOSE = (slot, seq, waiter) -> command(slot, Slot.Command.CLOSE, waiter);
    public static final EventTranslatorOneArg<Slot, Waiter> CHECKPOINT = (slot, seq, waiter) -> command(slot, Slot.Command.CHECKPOINT, waiter);
    public static final EventTranslatorOneArg<Slot, Waiter> CHECK_STORAGE =
            (slot, seq, waiter) -> command(slot, Slot.Command.CHECK_STORAGE, waiter);

    private static void translateEvent(Slot slot, long sequence, Event event, Waiter waiter) {
        translateGroupMember(slot, event, 0, 1, waiter);
    }

    /**
     * Fills a slot the producer claimed itself, as member {@code index} of a group of {@code size} (1 for a lone event).
     * If that fails, the slot is left {@link Slot.Command#VOID} and the failure thrown: the caller still publishes it
     * (Disruptor's publishEvent does, in a finally).
     */
    static void translateGroupMember(Slot slot, Event event, int index, int size, Waiter waiter) {
        try {
            fill(slot, event, index, size, waiter);
        } catch (Throwable t) {
            voidSlot(slot);
            throw t;
        }
    }

    /**
     * Makes a claimed slot carry nothing. An outside trial's gateway ran out of heap while a producer grew a slot's
     * buffer between claiming a group's slots and publishing them: the consumer spun at the unpublished slot for ever,
     * the exit waited for it, and the process had to be killed.
     */
    static void voidSlot(Slot slot) {
        slot.command = Slot.Command.VOID;
        slot.waiter = null;
        slot.length = 0;
        slot.grew = false;
        slot.groupIndex = 0;
        slot.groupSize = 1;
    }

    /** How a slot's larger buffer is made: tests make it fail as a full heap does. */
    static volatile java.util.function.IntFunction<byte[]> newBuffer = byte[]::new;

    private static void fill(Slot slot, Event event, int index, int size, Waiter waiter) {
        long bound = EventEncoder.maxEncodedLength(event);
        boolean grew = false;
        if (bound > slot.buffer.length) {
            long exact = EventEncoder.encodedLength(event);
            if (exact > slot.buffer.length) {
                slot.buffer = newBuffer.apply((int) Math.min(Math.max(exact, 2L * slot.buffer.length), bound));
                grew = true;
            }
        }
        slot.grew = grew;
        slot.groupIndex = index;
        slot.groupSize = size;
        slot.command = Slot.Command.EVENT;
        slot.waiter = waiter;
        long now = System.nanoTime(); // one clock read for both times
        slot.acceptedNanoTime = now;
        slot.length = EventEncoder.encode(event, EpochClock.epochNanos(now), slot.buffer);
    }

    private static void command(Slot slot, Slot.Command command, Waiter waiter) {
        slot.command = command;
        slot.waiter = waiter;
        slot.length = 0;
        slot.grew = false;
        slot.groupIndex = 0;
        slot.groupSize = 1;
    }
}
