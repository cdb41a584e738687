package io.jpool.internal.thread;

/**
 * The fields of {@link TaskQueue}, laid out so that the consumers' side (moved by the workers that
 * take tasks) and the producers' side (moved by the threads that submit them) sit on different
 * cache lines: next to each other, every submit and every take would pull the other side's line
 * away. HotSpot lays out a superclass's fields before its subclass's, so a class of padding
 * between the two keeps them at least 128 bytes apart (two lines, for the adjacent-line
 * prefetcher).
 */
abstract class TaskQueueFields {
    /** Padding before the consumers' side, so the object header does not share its line. */
    abstract static class PadBeforeHead {
        long p00, p01, p02, p03, p04, p05, p06, p07, p08, p09, p0a, p0b, p0c, p0d, p0e, p0f;
    }

    /** The consumers' side. */
    abstract static class Head extends PadBeforeHead {
        /** The index of the next task to take; every index below it was taken (or dropped). Moved by CAS by takers. */
        volatile long takeIndex;
        /** A segment at or before the one holding {@link #takeIndex}: where takers start to look. Moved forward by CAS. */
        volatile TaskQueue.Segment takeSegment;
    }

    /** Padding between the two sides. */
    abstract static class PadBeforeTail extends Head {
        long p10, p11, p12, p13, p14, p15, p16, p17, p18, p19, p1a, p1b, p1c, p1d, p1e, p1f;
    }

    /** The producers' side. */
    abstract static class Tail extends PadBeforeTail {
        /** The index the next offer claims; every index below it is claimed by an offer. Raised by offers' atomic add. */
        volatile long putIndex;
        /** A segment at or before the one holding {@link #putIndex}: where offers start to look. Moved forward by CAS. */
        volatile TaskQueue.Segment putSegment;
        long p20, p21, p22, p23, p24, p25, p26, p27, p28, p29, p2a, p2b, p2c, p2d, p2e, p2f;
    }

    private TaskQueueFields() {
    }
}
