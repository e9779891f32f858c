import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;

/** Parses a JSON document with jackson-core: the vulnerable dependency really runs. */
public class Parse {
    public static void main(String[] args) throws Exception {
        int tokens = 0;
        try (JsonParser p = new JsonFactory().createParser("{\"order\":[1,2,3]}")) {
            while (p.nextToken() != null) {
                tokens++;
            }
        }
        System.out.println("tokens " + tokens);
    }
}
