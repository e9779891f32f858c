package dev.telltale.loadgen;

import java.util.List;
import java.util.Optional;

/**
 * A shared object of this machine: its path, size, SHA-256 (when within the hashing budget),
 * build id and exported functions, and the OS package that owns it, if any.
 */
public record NativeLibrary(String path, long size, Optional<byte[]> sha256, Optional<String> buildId,
                            List<ElfFile.Symbol> functions, Optional<DpkgDatabase.Package> owner) {

    /** The file name, e.g. {@code libc.so.6}. */
    public String name() {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    /** The version embedded in the soname ({@code libssl.so.3} gives {@code 3}), else the owner's version. */
    public Optional<String> version() {
        int so = path.lastIndexOf(".so.");
        if (so > 0) {
            return Optional.of(path.substring(so + 4));
        }
        return owner.map(DpkgDatabase.Package::version);
    }
}
