package org.ddim4j.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the pickle inside a PyTorch checkpoint, accepting only what a {@code state_dict} (or a dict of them
 * with numbers, strings and lists beside) is made of. Nothing is ever executed: the only callables known are
 * {@code collections.OrderedDict} and the two tensor rebuild functions of {@code torch._utils}, and the only
 * other global is a {@code torch.*Storage} type inside a persistent id. Any other global, and any opcode
 * outside protocols 2 to 5's plain-data subset, is refused with its name: a pickle that names
 * {@code os.system} or {@code builtins.eval} never gets further than that name.
 *
 * <p>Results: {@code Map} (insertion-ordered) for dicts, {@code List} for lists, {@link Tuple} for tuples,
 * {@code String}, {@code Long}, {@code Double}, {@code Boolean}, {@code byte[]}, null, and
 * {@link TensorRef} for tensors.
 */
final class RestrictedUnpickler {
    /** A pickled tuple. */
    record Tuple(List<Object> items) {
    }

    /** A tensor: a view of a storage (its key in the archive's {@code data/} folder). */
    record TensorRef(StorageRef storage, long offset, long[] shape, long[] stride) {
    }

    /** A storage of the archive: its element type (e.g. "FloatStorage"), key and element count. */
    record StorageRef(String type, String key, long numel) {
    }

    private record Global(String module, String name) {
        @Override
        public String toString() {
            return module + "." + name;
        }
    }

    private static final Set<String> STORAGE_TYPES = Set.of("FloatStorage", "DoubleStorage", "HalfStorage",
            "BFloat16Storage", "LongStorage", "IntStorage", "ShortStorage", "CharStorage", "ByteStorage", "BoolStorage");
    private static final Set<Global> CALLABLES = Set.of(new Global("collections", "OrderedDict"),
            new Global("torch._utils", "_rebuild_tensor_v2"), new Global("torch._utils", "_rebuild_parameter"));
    private static final Object MARK = new Object();

    private final ByteBuffer in;
    private final String source;
    private final List<Object> stack = new ArrayList<>();
    private final Map<Long, Object> memo = new HashMap<>();

    private RestrictedUnpickler(byte[] data, String source) {
        this.in = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        this.source = source;
    }

    /** Unpickles {@code data}; {@code source} names the file in errors. */
    static Object load(byte[] data, String source) {
        try {
            return new RestrictedUnpickler(data, source).run();
        } catch (TensorFormatException e) {
            throw e;
        } catch (RuntimeException e) {
            // a truncated stream, a short stack, a value of the wrong type: every malformed pickle ends here
            throw new TensorFormatException(source + ": malformed pickle (" + e.getClass().getSimpleName() + ")", e);
        }
    }

    private Object run() {
        while (true) {
            int pos = in.position();
            int op = in.get() & 0xff;
            switch (op) {
                case 0x80 -> in.get();                                   // PROTO n
                case 0x95 -> in.getLong();                               // FRAME size
                case '.' -> {                                            // STOP
                    return pop();
                }
                case '(' -> stack.add(MARK);
                case ')' -> push(new Tuple(List.of()));
                case 't' -> push(new Tuple(popToMark()));
                case 0x85 -> push(new Tuple(List.of(pop())));
                case 0x86 -> {
                    Object b = pop();
                    push(new Tuple(List.of(pop(), b)));
                }
                case 0x87 -> {
                    Object c = pop();
                    Object b = pop();
                    push(new Tuple(List.of(pop(), b, c)));
                }
                case '}' -> push(new LinkedHashMap<>());
                case ']' -> push(new ArrayList<>());
                case 'l' -> push(new ArrayList<>(popToMark()));
                case 'd' -> {
                    List<Object> kv = popToMark();
                    Map<Object, Object> m = new LinkedHashMap<>();
                    for (int i = 0; i < kv.size(); i += 2) {
                        m.put(key(kv.get(i), pos), kv.get(i + 1));
                    }
                    push(m);
                }
                case 'a' -> {
                    Object v = pop();
                    list(peek(), pos).add(v);
                }
                case 'e' -> {
                    List<Object> items = popToMark();
                    list(peek(), pos).addAll(items);
                }
                case 's' -> {
                    Object v = pop();
                    Object k = pop();
                    map(peek(), pos).put(key(k, pos), v);
                }
                case 'u' -> {
                    List<Object> kv = popToMark();
                    Map<Object, Object> m = map(peek(), pos);
                    for (int i = 0; i < kv.size(); i += 2) {
                        m.put(key(kv.get(i), pos), kv.get(i + 1));
                    }
                }
                case 'N' -> push(null);
                case 0x88 -> push(Boolean.TRUE);
                case 0x89 -> push(Boolean.FALSE);
                case 'K' -> push((long) (in.get() & 0xff));
                case 'M' -> push((long) (in.getShort() & 0xffff));
                case 'J' -> push((long) in.getInt());
                case 0x8a -> push(long1(in.get() & 0xff, pos));
                case 'G' -> push(readBigEndianDouble());
                case 'X' -> push(utf8(in.getInt()));
                case 0x8c -> push(utf8(in.get() & 0xff));
                case 0x8d -> push(utf8(checkedLength(in.getLong(), pos)));
                case 'B' -> push(bytes(in.getInt()));
                case 'C' -> push(bytes(in.get() & 0xff));
                case 0x8e -> push(bytes(checkedLength(in.getLong(), pos)));
                case 'T' -> push(new String(bytes(in.getInt()), StandardCharsets.ISO_8859_1));
                case 'U' -> push(new String(bytes(in.get() & 0xff), StandardCharsets.ISO_8859_1));
                case 'q' -> memo.put((long) (in.get() & 0xff), peek());
                case 'r' -> memo.put(in.getInt() & 0xffffffffL, peek());
                case 0x94 -> memo.put((long) memo.size(), peek());
                case 'h' -> push(memoGet(in.get() & 0xff, pos));
                case 'j' -> push(memoGet(in.getInt() & 0xffffffffL, pos));
                case 'c' -> push(global(line(), line(), pos));
                case 0x93 -> {
                    Object name = pop();
                    push(global((String) pop(), (String) name, pos));
                }
                case 'Q' -> push(persistentLoad(pop(), pos));
                case 'R' -> {
                    Object args = pop();
                    push(reduce(pop(), args, pos));
                }
                case 'b' -> build(pop(), peek(), pos);
                default -> throw new TensorFormatException(String.format("%s: refused: pickle opcode 0x%02x at byte %d"
                        + " is not part of a PyTorch state_dict", source, op, pos));
            }
        }
    }

    private double readBigEndianDouble() {
        in.order(ByteOrder.BIG_ENDIAN);
        double d = in.getDouble();
        in.order(ByteOrder.LITTLE_ENDIAN);
        return d;
    }

    private Object global(String module, String name, int pos) {
        Global g = new Global(module, name);
        if (CALLABLES.contains(g) || (module.equals("torch") && STORAGE_TYPES.contains(name))) {
            return g;
        }
        throw new TensorFormatException(source + ": refused: the pickle references " + g + " (byte " + pos
                + "); only state_dict contents (tensors, OrderedDict, numbers, strings, lists) are accepted");
    }

    /**
     * A dict key: a string, number, boolean or None (a state_dict's keys are strings). A list or dict (unhashable in
     * Python) is refused: hashing one that contains itself would never end.
     */
    private Object key(Object k, int pos) {
        if (k == null || k instanceof String || k instanceof Long || k instanceof Double || k instanceof Boolean) {
            return k;
        }
        throw new TensorFormatException(source + ": refused: a dict key of type " + describe(k) + " at byte " + pos);
    }

    private Object persistentLoad(Object pid, int pos) {
        if (pid instanceof Tuple t && t.items().size() == 5 && "storage".equals(t.items().get(0))
                && t.items().get(1) instanceof Global g && STORAGE_TYPES.contains(g.name())
                && t.items().get(2) instanceof String key && t.items().get(4) instanceof Long numel && numel >= 0
                && key.matches("[A-Za-z0-9_]{1,64}")) {
            return new StorageRef(g.name(), key, numel);
        }
        throw new TensorFormatException(source + ": refused: persistent id (" + describe(pid) + ") at byte " + pos
                + " is not a PyTorch storage reference");
    }

    private Object reduce(Object callable, Object args, int pos) {
        if (!(callable instanceof Global g) || !CALLABLES.contains(g) || !(args instanceof Tuple tuple)) {
            throw new TensorFormatException(source + ": refused: call of " + describe(callable) + " at byte " + pos);
        }
        List<Object> a = tuple.items();
        switch (g.name()) {
            case "OrderedDict" -> {
                if (!a.isEmpty()) {
                    throw new TensorFormatException(source + ": refused: OrderedDict with arguments at byte " + pos);
                }
                return new LinkedHashMap<>();
            }
            case "_rebuild_tensor_v2" -> {
                if (a.size() < 4 || !(a.get(0) instanceof StorageRef storage) || !(a.get(1) instanceof Long)) {
                    throw new TensorFormatException(source + ": malformed tensor (storage, offset) at byte " + pos);
                }
                return new TensorRef(storage, (Long) a.get(1), longs(a.get(2), pos), longs(a.get(3), pos));
            }
            default -> {                                                  // _rebuild_parameter(data, requires_grad, hooks)
                if (a.isEmpty() || !(a.get(0) instanceof TensorRef tensor)) {
                    throw new TensorFormatException(source + ": malformed parameter at byte " + pos);
                }
                return tensor;
            }
        }
    }

    /** BUILD: only the state of an OrderedDict (its {@code _metadata} attribute), which is dropped. */
    private void build(Object state, Object target, int pos) {
        if (!(target instanceof Map<?, ?>) || !(state instanceof Map<?, ?> || state == null)) {
            throw new TensorFormatException(source + ": refused: setting the state of " + describe(target)
                    + " at byte " + pos);
        }
    }

    private long[] longs(Object tuple, int pos) {
        if (!(tuple instanceof Tuple t)) {
            throw new TensorFormatException(source + ": malformed tensor shape at byte " + pos);
        }
        long[] out = new long[t.items().size()];
        for (int i = 0; i < out.length; i++) {
            if (!(t.items().get(i) instanceof Long v)) {
                throw new TensorFormatException(source + ": tensor size or stride " + describe(t.items().get(i))
                        + " at byte " + pos + " is not a whole number");
            }
            out[i] = v;
        }
        return out;
    }

    private long long1(int n, int pos) {
        if (n > 8) {
            throw new TensorFormatException(source + ": integer of " + n + " bytes at byte " + pos + " is too large");
        }
        long v = 0;
        for (int i = 0; i < n; i++) {
            v |= (long) (in.get() & 0xff) << (8 * i);
        }
        if (n > 0 && n < 8 && (v & (1L << (8 * n - 1))) != 0) {
            v -= 1L << (8 * n);                                          // two's complement sign
        }
        return v;
    }

    private int checkedLength(long n, int pos) {
        if (n < 0 || n > in.remaining()) {
            throw new TensorFormatException(source + ": length " + n + " at byte " + pos + " exceeds the pickle");
        }
        return (int) n;
    }

    private String utf8(int n) {
        return new String(bytes(n), StandardCharsets.UTF_8);
    }

    private byte[] bytes(int n) {
        if (n < 0 || n > in.remaining()) {
            throw new TensorFormatException(source + ": length " + n + " exceeds the pickle");
        }
        byte[] b = new byte[n];
        in.get(b);
        return b;
    }

    private String line() {
        StringBuilder sb = new StringBuilder();
        byte b;
        while ((b = in.get()) != '\n') {
            sb.append((char) (b & 0xff));
        }
        return sb.toString();
    }

    private Object memoGet(long key, int pos) {
        if (!memo.containsKey(key)) {
            throw new TensorFormatException(source + ": memo key " + key + " at byte " + pos + " was never stored");
        }
        return memo.get(key);
    }

    @SuppressWarnings("unchecked")
    private List<Object> list(Object o, int pos) {
        if (!(o instanceof List<?>)) {
            throw new TensorFormatException(source + ": append to " + describe(o) + " at byte " + pos);
        }
        return (List<Object>) o;
    }

    @SuppressWarnings("unchecked")
    private Map<Object, Object> map(Object o, int pos) {
        if (!(o instanceof Map<?, ?>)) {
            throw new TensorFormatException(source + ": set item on " + describe(o) + " at byte " + pos);
        }
        return (Map<Object, Object>) o;
    }

    private static String describe(Object o) {
        return o == null ? "None" : o instanceof Global g ? g.toString() : o.getClass().getSimpleName();
    }

    private void push(Object o) {
        stack.add(o);
    }

    private Object pop() {
        Object o = stack.remove(stack.size() - 1);
        if (o == MARK) {
            throw new TensorFormatException(source + ": malformed pickle: unexpected mark");
        }
        return o;
    }

    private Object peek() {
        return stack.get(stack.size() - 1);
    }

    private List<Object> popToMark() {
        int k = stack.size() - 1;
        while (stack.get(k) != MARK) {
            k--;
        }
        List<Object> items = new ArrayList<>(stack.subList(k + 1, stack.size()));
        stack.subList(k, stack.size()).clear();
        return items;
    }
}
