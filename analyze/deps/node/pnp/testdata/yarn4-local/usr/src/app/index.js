require("debug")("x"); require("@fixture/lib");
