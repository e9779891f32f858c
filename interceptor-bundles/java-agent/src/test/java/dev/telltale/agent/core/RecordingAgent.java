package dev.telltale.agent.core;

import java.io.DataOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.lang.instrument.Instrumentation;

/**
 * A test {@code Premain-Class}: the real agent core on a transport that appends each event to
 * the file named by the agent argument (4-byte length, then the envelope), where the real one
 * needs the preloaded interceptor and a forwarder.
 */
public final class RecordingAgent {
    private RecordingAgent() {
    }

    public static void premain(String args, Instrumentation inst) throws IOException {
        DataOutputStream out = new DataOutputStream(new FileOutputStream(args, true));
        Transport t = new Transport() {
            @Override
            boolean send(byte[] event) {
                synchronized (out) {
                    try {
                        out.writeInt(event.length);
                        out.write(event);
                        out.flush();
                        return true;
                    } catch (IOException e) {
                        return false;
                    }
                }
            }

            @Override
            void lost(int n) {
            }

            @Override
            void registerFrames() {
            }
        };
        Agent.start(Transport.env(), t, inst, false);
    }
}
