package dev.telltale.api;

/** OSV zips made by {@link VulnDbApiTest}, for tests of other packages. */
public final class VulnDbApiTestAccess {
    private VulnDbApiTestAccess() {
    }

    public static byte[] zip(String... ids) throws Exception {
        return VulnDbApiTest.zip(ids);
    }
}
