package dev.telltale.agent.it;

import com.google.gson.Gson;
import java.util.Map;
import org.apache.commons.lang3.StringUtils;

/** The application of MethodTracingIT: uses two jars, prints what it computed. */
public final class TracedApp {
    private TracedApp() {
    }

    public static void main(String[] args) {
        System.out.println(StringUtils.capitalize("hello") + " " + StringUtils.reverse("abc"));
        System.out.println(new Gson().toJson(Map.of("k", 1)));
        System.out.println(StringUtils.isBlank(" ") ? "blank" : "not blank");
    }
}
