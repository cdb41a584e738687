package io.jpool.hazelcast;

import com.hazelcast.collection.IList;
import io.jpool.SharedList;

import java.util.ArrayList;
import java.util.List;

/** A {@link SharedList} on the {@code IList} {@code jpool.list.<name>}. */
final class ClusterSharedList<E> extends ClusterRef implements SharedList<E> {
    private static final long serialVersionUID = 1L;

    ClusterSharedList(String cluster, String name) {
        super(cluster, name);
    }

    private IList<E> list() {
        return hz().getList("jpool.list." + name);
    }

    @Override
    public void add(E e) {
        list().add(e);
    }

    @Override
    public E get(int index) {
        return list().get(index);
    }

    @Override
    public E set(int index, E e) {
        return list().set(index, e);
    }

    @Override
    public E remove(int index) {
        return list().remove(index);
    }

    @Override
    public int size() {
        return list().size();
    }

    @Override
    public List<E> snapshot() {
        return new ArrayList<>(list());
    }
}
