package dev.telltale;

public final class Main {
    public static void main(String[] args) {
    }
}
