package app;

import com.fasterxml.jackson.core.JsonFactory;
import org.apache.commons.lang3.StringUtils;

/** The application inside the Spring Boot-style fat jar (BOOT-INF/classes). */
public class FatApp {
    public static void main(String[] args) throws Exception {
        System.out.println(StringUtils.reverse("olleh") + " " + new JsonFactory().getFormatName());
    }
}
