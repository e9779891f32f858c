package dev.telltale.policy;

/** The alert catalogue's categories (PRODUCT.md, "Alert catalogue"). */
public enum Category {
    PRIVILEGE("Privilege"), MEMORY("Memory"), SECRETS("Secrets"), FILES("Files"), NETWORK("Network"),
    PROCESS("Process"), LIBRARIES("Libraries"), SUPPLY_CHAIN("Supply chain");

    private final String title;

    Category(String title) {
        this.title = title;
    }

    public String title() {
        return title;
    }
}
