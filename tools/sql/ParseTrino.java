import io.trino.sql.parser.ParsingException;
import io.trino.sql.parser.SqlParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Parses statements with Trino's own SQL parser (the grammar Athena engine v3 derives from). Input on stdin:
 * statements separated by NUL characters. Output: one line per statement, "OK" or "ERROR <line>:<column> <message>".
 */
public final class ParseTrino {
    public static void main(String[] args) throws IOException {
        String input = new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
        SqlParser parser = new SqlParser();
        StringBuilder out = new StringBuilder();
        for (String sql : input.split("\u0000", -1)) {
            if (sql.isEmpty()) continue;
            try {
                parser.createStatement(sql);
                out.append("OK\n");
            } catch (ParsingException e) {
                out.append("ERROR ").append(e.getLineNumber()).append(':').append(e.getColumnNumber()).append(' ').append(e.getErrorMessage().replace('\n', ' ')).append('\n');
            } catch (RuntimeException e) {
                out.append("ERROR 0:0 ").append(String.valueOf(e.getMessage()).replace('\n', ' ')).append('\n');
            }
        }
        System.out.print(out);
    }
}
