package dev.telltale.agent.it;

/** Runs as the application under the packaged agent: which agent classes can it see? */
public final class Probe {
    private Probe() {
    }

    public static void main(String[] args) {
        for (String name : new String[] {"dev.telltale.agent.core.Agent", "dev.telltale.agent.core.Transport",
                "dev.telltale.agent.core.MethodTracer",
                "dev.telltale.agent.boot.TelltaleAgentBoot"}) {
            try {
                Class.forName(name);
                System.out.println("visible " + name);
            } catch (ClassNotFoundException e) {
                System.out.println("hidden " + name);
            }
        }
        System.out.println("transformers ran: " + (ClassLoader.getSystemResource("META-INF/telltale/agent-core.jar") != null));
    }
}
