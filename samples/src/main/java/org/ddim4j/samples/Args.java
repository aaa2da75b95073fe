package org.ddim4j.samples;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Command-line flags of the form {@code --name value}, {@code --name} (a switch) or {@code --name v1 v2 ...}
 * for flags that take several values. Every flag must be declared by the command; unknown flags, missing
 * values and unparsable numbers are {@link UsageException}s that name the flag.
 */
public final class Args {
    private final String command;
    private final Map<String, List<String>> values = new LinkedHashMap<>();

    private Args(String command) {
        this.command = command;
    }

    /**
     * @param switches flags that take no value
     * @param options  flags that take one value
     * @param multi    flags that take one or more values
     */
    public static Args parse(String command, String[] argv, Set<String> switches, Set<String> options, Set<String> multi) {
        Args a = new Args(command);
        for (int i = 0; i < argv.length; i++) {
            String arg = argv[i];
            if (!arg.startsWith("--")) {
                throw new UsageException(command + ": unexpected argument '" + arg + "'");
            }
            String name = arg.substring(2);
            String inlineValue = null;
            int eq = name.indexOf('=');
            if (eq > 0) {
                inlineValue = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (a.values.containsKey(name) && !multi.contains(name)) {
                throw new UsageException(command + ": --" + name + " given twice");
            }
            List<String> vals = new ArrayList<>();
            if (switches.contains(name)) {
                if (inlineValue != null) {
                    throw new UsageException(command + ": --" + name + " takes no value");
                }
            } else if (options.contains(name) || multi.contains(name)) {
                if (inlineValue != null) {
                    vals.add(inlineValue);
                } else {
                    while (i + 1 < argv.length && !argv[i + 1].startsWith("--")) {
                        vals.add(argv[++i]);
                        if (options.contains(name)) {
                            break;
                        }
                    }
                }
                if (vals.isEmpty()) {
                    throw new UsageException(command + ": --" + name + " needs a value");
                }
            } else {
                Set<String> known = new LinkedHashSet<>();
                for (Set<String> s : List.of(switches, options, multi)) {
                    s.forEach(k -> known.add("--" + k));
                }
                throw new UsageException(command + ": unknown flag --" + name + " (known: " + String.join(" ", known) + ")");
            }
            a.values.computeIfAbsent(name, k -> new ArrayList<>()).addAll(vals);   // a multi flag may repeat
        }
        return a;
    }

    /** The command these flags belong to (for messages). */
    public String command() {
        return command;
    }

    public boolean has(String name) {
        return values.containsKey(name);
    }

    public String string(String name, String fallback) {
        List<String> v = values.get(name);
        return v == null ? fallback : v.get(0);
    }

    public String required(String name) {
        List<String> v = values.get(name);
        if (v == null) {
            throw new UsageException(command + ": --" + name + " is required");
        }
        return v.get(0);
    }

    public Path path(String name) {
        return Path.of(required(name));
    }

    public Path path(String name, Path fallback) {
        return has(name) ? Path.of(required(name)) : fallback;
    }

    public List<String> list(String name) {
        List<String> v = values.get(name);
        return v == null ? List.of() : List.copyOf(v);
    }

    public int integer(String name, int fallback) {
        if (!has(name)) {
            return fallback;
        }
        try {
            return Integer.parseInt(required(name));
        } catch (NumberFormatException e) {
            throw new UsageException(command + ": --" + name + " expects an integer, got '" + required(name) + "'");
        }
    }

    public long longValue(String name, long fallback) {
        if (!has(name)) {
            return fallback;
        }
        try {
            return Long.parseLong(required(name));
        } catch (NumberFormatException e) {
            throw new UsageException(command + ": --" + name + " expects an integer, got '" + required(name) + "'");
        }
    }

    public double number(String name, double fallback) {
        if (!has(name)) {
            return fallback;
        }
        try {
            return Double.parseDouble(required(name));
        } catch (NumberFormatException e) {
            throw new UsageException(command + ": --" + name + " expects a number, got '" + required(name) + "'");
        }
    }

    /** Fails if both flags were given. */
    public void exclusive(String a, String b) {
        if (has(a) && has(b)) {
            throw new UsageException(command + ": give either --" + a + " or --" + b + ", not both");
        }
    }
}
