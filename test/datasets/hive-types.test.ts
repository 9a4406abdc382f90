import { expect } from "chai";
import { HiveTypeError, normaliseHiveType, parseHiveType } from "../../components/datasets";

describe("datasets: Athena/Hive type grammar", () => {
    const ok: [string, string][] = [
        ["string", "string"],
        ["INT", "int"],
        ["integer", "int"],
        ["BigInt", "bigint"],
        ["tinyint", "tinyint"],
        ["smallint", "smallint"],
        ["float", "float"],
        ["real", "float"],
        ["double", "double"],
        ["boolean", "boolean"],
        ["binary", "binary"],
        ["date", "date"],
        ["timestamp", "timestamp"],
        ["DECIMAL(10,2)", "decimal(10,2)"],
        ["decimal( 38 , 0 )", "decimal(38,0)"],
        ["numeric(5,5)", "decimal(5,5)"],
        ["char(2)", "char(2)"],
        ["VARCHAR(65535)", "varchar(65535)"],
        ["array<string>", "array<string>"],
        ["ARRAY< STRUCT< a : INT , b : string > >", "array<struct<a:int,b:string>>"],
        ["map<string,array<decimal(10,2)>>", "map<string,array<decimal(10,2)>>"],
        ["struct<addr:struct<city:string,zip:varchar(10)>,tags:map<string,string>>", "struct<addr:struct<city:string,zip:varchar(10)>,tags:map<string,string>>"],
    ];
    for (const [input, expected] of ok) {
        it(`normalises '${input}' to '${expected}'`, () => expect(normaliseHiveType(input)).to.equal(expected));
    }

    const bad: [string, RegExp][] = [
        ["strin", /unknown type 'strin'/],
        ["varchar", /varchar needs a length/],
        ["decimal", /decimal needs a precision and scale/],
        ["decimal(39,2)", /precision 39 must be 1-38/],
        ["decimal(0,0)", /precision 0 must be 1-38/],
        ["decimal(5,6)", /scale 6 must be 0-5/],
        ["char(256)", /char length 256 must be 1-255/],
        ["varchar(0)", /varchar length 0 must be 1-65535/],
        ["array<string", /'>' expected but the text ended/],
        ["array<>", /type expected/],
        ["map<array<int>,string>", /map keys must be a primitive type/],
        ["map<string>", /',' expected/],
        ["struct<a int>", /':' expected/],
        ["struct<a:int,a:string>", /struct field 'a' is repeated/],
        ["int int", /unexpected 'int'/],
        ["", /type expected but the text ended/],
    ];
    for (const [input, message] of bad) {
        it(`rejects '${input}'`, () => {
            expect(() => parseHiveType(input)).to.throw(HiveTypeError, message);
        });
    }
});
