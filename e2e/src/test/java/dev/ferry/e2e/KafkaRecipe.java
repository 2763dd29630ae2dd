package dev.ferry.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One {@code kcat -P} command of a README's recipe (marked {@code <!-- kcat-recipe: name -->} before its fenced
 * block), read as kcat would send it: the topic ({@code -t}), the key ({@code -k}), the headers ({@code -H
 * name=value}) and the value, the here-document's line. Only the forms the recipes use are understood: one command,
 * lines continued by a backslash, unquoted or double-quoted words, a quoted here-document of one line.
 */
record KafkaRecipe(String topic, String key, Map<String, String> headers, byte[] value) {

    static KafkaRecipe read(Path readme, String name) throws IOException {
        List<String> lines = Files.readAllLines(readme, StandardCharsets.UTF_8);
        int marker = lines.indexOf("<!-- kcat-recipe: " + name + " -->");
        if (marker < 0 || !lines.get(marker + 1).startsWith("```")) {
            throw new IllegalArgumentException("no kcat recipe '" + name + "' in " + readme);
        }
        StringBuilder command = new StringBuilder();
        int i = marker + 2;
        for (; !lines.get(i).contains("<<'EOF'"); i++) {
            command.append(continued(lines.get(i))).append(' ');
        }
        String last = lines.get(i);
        command.append(last, 0, last.indexOf("<<'EOF'"));
        String value = lines.get(i + 1);
        if (!lines.get(i + 2).equals("EOF")) {
            throw new IllegalArgumentException("recipe '" + name + "': the here-document must be one line");
        }
        List<String> words = words(command.toString());
        if (!words.subList(0, 2).equals(List.of("kcat", "-P"))) {
            throw new IllegalArgumentException("recipe '" + name + "' is not a kcat -P command: " + words);
        }
        String topic = null;
        String key = null;
        Map<String, String> headers = new LinkedHashMap<>();
        for (int w = 2; w < words.size(); w += 2) {
            String option = words.get(w);
            String argument = words.get(w + 1);
            switch (option) {
                // The broker and the login: the test's own, as ferry-external-systems.
                case "-b", "-F" -> { }
                case "-t" -> topic = argument;
                case "-k" -> key = argument;
                case "-H" -> headers.put(argument.substring(0, argument.indexOf('=')), argument.substring(argument.indexOf('=') + 1));
                default -> throw new IllegalArgumentException("recipe '" + name + "': option " + option + " is not understood");
            }
        }
        return new KafkaRecipe(topic, key, headers, value.getBytes(StandardCharsets.UTF_8));
    }

    private static String continued(String line) {
        return line.endsWith("\\") ? line.substring(0, line.length() - 1) : line;
    }

    private static List<String> words(String command) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean quoted = false;
        boolean inWord = false;
        for (char c : command.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
                inWord = true;
            } else if (Character.isWhitespace(c) && !quoted) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }
}
