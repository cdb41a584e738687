package io.jpool.internal.pool;

import io.jpool.Task;
import io.jpool.TaskFunction;

/**
 * One chunk of a {@code map}: the function and its items, run as one task (one message to a
 * worker process). Each item's exception (or Error) is caught and kept in its slot as an {@link ItemFailure},
 * so a failing item fails only itself. An item that is already an {@link ItemFailure} (a process
 * pool puts one in place of an item it could not send) is passed through as its own result.
 */
public final class MapChunk<A, R> implements Task<Object[]> {
    private static final long serialVersionUID = 1L;

    private final TaskFunction<? super A, ? extends R> fn;
    private final Object[] items;
    /** The map-wide index of the first item; for messages. Not sent to workers. */
    private final transient long firstIndex;

    public MapChunk(TaskFunction<? super A, ? extends R> fn, Object[] items) {
        this(fn, items, 0L);
    }

    public MapChunk(TaskFunction<? super A, ? extends R> fn, Object[] items, long firstIndex) {
        this.fn = fn;
        this.items = items;
        this.firstIndex = firstIndex;
    }

    /** The index of the chunk's first item among the map's items. */
    public long firstIndex() {
        return firstIndex;
    }

    /** How many items this chunk holds. */
    public int size() {
        return items.length;
    }

    /** The function applied to each item. */
    public TaskFunction<? super A, ? extends R> function() {
        return fn;
    }

    /** The chunk's items (the array itself, not a copy). */
    public Object[] items() {
        return items;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Object[] call() throws InterruptedException {
        Object[] out = new Object[items.length];
        for (int i = 0; i < items.length; i++) {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException("map chunk interrupted at item " + i + " of " + items.length);
            }
            if (items[i] instanceof ItemFailure) {
                out[i] = items[i];
                continue;
            }
            try {
                out[i] = fn.apply((A) items[i]);
            } catch (Throwable e) {
                // Errors too (a StackOverflowError of one item's deep input): a task's Throwable
                // fails that task, so an item's fails that item, not the rest of its chunk
                out[i] = new ItemFailure(e);
            }
        }
        return out;
    }
}
