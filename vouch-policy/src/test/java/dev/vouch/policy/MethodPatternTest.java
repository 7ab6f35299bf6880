package dev.vouch.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MethodPatternTest {

    @ParameterizedTest(name = "{0} matches {1}: {2}")
    @CsvSource({
        "db.query, db.query, true",
        "db.query, db.query2, false",
        "db.query, DB.query, false",
        "*, anything.at.all, true",
        "*, '', true",
        "db.*, db.query, true",
        "db.*, db., true",
        "db.*, db.users.drop, true",
        "db.*, db, false",
        "*.delete, fs.delete, true",
        "*.delete, fs.tmp.delete, true",
        "*.delete, delete, false",
        "fs.*.write, fs.a.write, true",
        "fs.*.write, fs.a.b.write, true",
        "fs.*.write, fs.write, false",
        "fs.*.write, fs..write, true",
        "tool.v?, tool.v1, true",
        "tool.v?, tool.v, false",
        "tool.v?, tool.v12, false",
        "?, a, true",
        "?, '', false",
        "*a*b*, xxaxxbxx, true",
        "*a*b*, xxbxxaxx, false",
        "a*a*a, aaa, true",
        "a*a*a, aa, false",
        "aws:*, aws:ec2:launch, true",
        "aws:*, stripe:payment, false",
        "*abc, abcabc, true",
        "*abc, abcab, false",
    })
    void shouldMatchLikeAGlob(String pattern, String method, boolean expected) {
        assertEquals(expected, MethodPattern.compile(pattern).matches(method));
    }

    @ParameterizedTest(name = "{0} covers {1}: {2}")
    @CsvSource({
        "*, db.query, true",
        "*, db.*, true",
        "*, ?, true",
        "db.*, db.query, true",
        "db.*, db.users.*, true",
        "db.*, db.?, true",
        "db.*, db*, false",
        "db.*, *.delete, false",
        "db.query, db.query, true",
        "db.query, db.*, false",
        "db.?uery, db.query, true",
        "db.?uery, db.*uery, false",
        "*.delete, fs.*.delete, true",
        "*.delete, *.delete, true",
        "*.delete, *delete, false",
        "a*b, a?b, true",
        "a?b, a*b, false",
        "a*b*c, a*c, false",
        "a*c, a*b*c, true",
    })
    void shouldKnowWhenOnePatternCoversAnother(String pattern, String other, boolean expected) {
        assertEquals(expected, MethodPattern.compile(pattern).covers(MethodPattern.compile(other)));
    }
}
