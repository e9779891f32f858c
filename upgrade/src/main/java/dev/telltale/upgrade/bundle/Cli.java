package dev.telltale.upgrade.bundle;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The command line of upgrade bundles (bin/telltale-upgrade runs it). Exit status 0 on success,
 * 1 when a bundle is refused or a key or file cannot be used, 2 on a usage error.
 */
public final class Cli {

    static final String USAGE = """
            usage:
              keygen DIR                  a release key pair: DIR/release.key (0600) and DIR/release.pub
              build --release DIR [--os DIR] --version V --min-from V --key FILE --out FILE
                                          a signed bundle of a release directory and an os/ overlay
              verify FILE --keys DIR [--current V]
                                          checks a bundle as an appliance at version V (default: the
                                          bundle's min-from) trusting DIR/*.pub would
              inspect FILE                prints a bundle's manifest without checking anything
            """;

    private final PrintStream out;
    private final PrintStream err;

    Cli(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /** Runs the command and exits with its status. */
    public static void main(String[] args) {
        System.exit(new Cli(System.out, System.err).run(args));
    }

    /** Runs one command; returns the exit status. */
    int run(String[] args) {
        try {
            if (args.length == 0) throw new Usage("no command");
            List<String> rest = List.of(args).subList(1, args.length);
            switch (args[0]) {
                case "keygen" -> keygen(rest);
                case "build" -> build(rest);
                case "verify" -> verify(rest);
                case "inspect" -> inspect(rest);
                case "-h", "--help", "help" -> out.print(USAGE);
                default -> throw new Usage("unknown command " + args[0]);
            }
            return 0;
        } catch (Usage e) {
            err.println("telltale-upgrade: " + e.getMessage());
            err.print(USAGE);
            return 2;
        } catch (BundleRefusedException e) {
            err.println("REFUSED (" + e.reason() + "): " + e.getMessage());
            return 1;
        } catch (ReleaseKeyException | UncheckedIOException | IllegalArgumentException | IllegalStateException e) {
            err.println("telltale-upgrade: " + e.getMessage());
            return 1;
        }
    }

    private void keygen(List<String> args) {
        Args a = Args.parse(args, Set.of(), 1);
        Path dir = Path.of(a.positional.get(0));
        ReleaseSigner s = ReleaseSigner.generate(dir);
        out.println("release key " + s.keyId() + ":");
        out.println("  private " + dir.resolve(ReleaseSigner.KEY_FILE) + " (0600; keep it offline)");
        out.println("  public  " + dir.resolve(ReleaseSigner.PUB_FILE) + " (install on appliances in /etc/telltale/release-keys/)");
    }

    private void build(List<String> args) {
        Args a = Args.parse(args, Set.of("--release", "--os", "--version", "--min-from", "--key", "--out"), 0);
        // Every option is checked before anything is read.
        Path release = Path.of(a.required("--release"));
        Version version = version(a.required("--version"), "--version");
        Version minFrom = version(a.required("--min-from"), "--min-from");
        Path keyFile = Path.of(a.required("--key"));
        Path outFile = Path.of(a.required("--out"));
        Manifest m = Bundles.build(release, a.optional("--os").map(Path::of), version, minFrom,
                ReleaseSigner.load(keyFile), outFile);
        out.println("bundle " + outFile);
        summary(m);
    }

    private void verify(List<String> args) {
        Args a = Args.parse(args, Set.of("--keys", "--current"), 1);
        Path keyDir = Path.of(a.required("--keys"));
        Optional<Version> given = a.optional("--current").map(v -> version(v, "--current"));
        ReleaseKeys keys = ReleaseKeys.load(keyDir);
        Path file = Path.of(a.positional.get(0));
        Version current = given.orElseGet(() -> {
            // Without --current: check it as the oldest appliance it claims to upgrade.
            Version oldest = Bundles.inspect(file).minFrom();
            out.println("(no --current: checking as an appliance at " + oldest + ", the bundle's min-from)");
            return oldest;
        });
        try (VerifiedBundle b = Bundles.verify(file, keys, current)) {
            out.println("VERIFIED: upgrades " + current + " to " + b.manifest().version());
            summary(b.manifest());
        }
    }

    private void inspect(List<String> args) {
        Args a = Args.parse(args, Set.of(), 1);
        Manifest m = Bundles.inspect(Path.of(a.positional.get(0)));
        out.println("NOT VERIFIED (inspect checks no signature and no file)");
        summary(m);
    }

    private void summary(Manifest m) {
        long release = m.files().stream().filter(f -> f.path().startsWith(SafePaths.RELEASE)).count();
        out.println("  version   " + m.version());
        out.println("  min-from  " + m.minFrom());
        out.println("  created   " + m.created());
        out.println("  key-id    " + m.keyId());
        out.println("  files     " + m.files().size() + " (" + release + " release, " + (m.files().size() - release)
                + " os), " + m.totalSize() + " bytes");
    }

    private static Version version(String text, String option) {
        try {
            return Version.parse(text);
        } catch (IllegalArgumentException e) {
            throw new Usage(option + ": " + e.getMessage());
        }
    }

    /** A usage error: exit status 2 with the usage text. */
    private static final class Usage extends RuntimeException {
        Usage(String message) {
            super(message);
        }
    }

    /** "--name value" options (each at most once) and positional arguments. */
    private record Args(Map<String, String> options, List<String> positional) {

        static Args parse(List<String> args, Set<String> known, int positionals) {
            Map<String, String> options = new HashMap<>();
            List<String> positional = new ArrayList<>();
            for (int i = 0; i < args.size(); i++) {
                String arg = args.get(i);
                if (arg.startsWith("--")) {
                    if (!known.contains(arg)) throw new Usage("unknown option " + arg);
                    if (i + 1 >= args.size()) throw new Usage(arg + " needs a value");
                    if (options.put(arg, args.get(++i)) != null) throw new Usage(arg + " given twice");
                } else {
                    positional.add(arg);
                }
            }
            if (positional.size() != positionals) {
                throw new Usage("expected " + positionals + " argument" + (positionals == 1 ? "" : "s") + ", got " + positional.size());
            }
            return new Args(options, positional);
        }

        String required(String option) {
            String v = options.get(option);
            if (v == null) throw new Usage("missing " + option);
            return v;
        }

        Optional<String> optional(String option) {
            return Optional.ofNullable(options.get(option));
        }
    }
}
