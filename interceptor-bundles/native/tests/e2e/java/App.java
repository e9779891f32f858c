import com.google.gson.Gson;
import java.io.FileInputStream;
import org.apache.commons.lang3.StringUtils;

/** A plain class-path application for the Java agent's end-to-end test. */
public class App {
    public static void main(String[] args) throws Exception {
        System.out.println(StringUtils.capitalize("hello") + " " + new Gson().toJson(new int[] {1, 2}));
        if (System.getProperty("tt.user") != null) {
            System.out.println("user option " + System.getProperty("tt.user"));
        }
        try {
            Class.forName("dev.telltale.agent.core.Agent");
            System.out.println("agent visible");
        } catch (ClassNotFoundException e) {
            System.out.println("agent hidden");
        }
        if (args.length > 0) {
            try (FileInputStream in = new FileInputStream(args[0])) {
                System.out.println("read " + in.read());
            }
        }
        if (args.length > 1) {
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", Integer.parseInt(args[1]))) {
                System.out.println("connected");
            }
        }
    }
}
