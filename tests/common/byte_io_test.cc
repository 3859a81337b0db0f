#include "common/byte_io.h"

#include "gtest/gtest.h"
#include "status_matchers.h"

namespace handover {
namespace {

TEST(ByteIo, WritesBigEndianAndReadsBack) {
  ByteWriter w;
  w.U8(0x01);
  w.U16(0x0203);
  w.U32(0x04050607);
  w.U64(0x08090a0b0c0d0e0fULL);
  w.I64(-2);
  ASSERT_OK(w.Str8("ab"));
  ASSERT_OK(w.Str16("cde"));
  const std::string& b = w.bytes();
  EXPECT_EQ(b.substr(0, 7), std::string("\x01\x02\x03\x04\x05\x06\x07", 7));

  ByteReader r(b);
  EXPECT_EQ(*r.U8("a"), 0x01);
  EXPECT_EQ(*r.U16("b"), 0x0203);
  EXPECT_EQ(*r.U32("c"), 0x04050607u);
  EXPECT_EQ(*r.U64("d"), 0x08090a0b0c0d0e0fULL);
  EXPECT_EQ(*r.I64("e"), -2);
  EXPECT_EQ(std::string(*r.Str8("f")), "ab");
  EXPECT_EQ(std::string(*r.Str16("g")), "cde");
  EXPECT_OK(r.ExpectEnd("test"));
}

TEST(ByteIo, ReadsNeverPassTheEnd) {
  const std::string input(
      "\x05"
      "abc",
      4);
  ByteReader r(input);
  auto s = r.Str8("name");
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.status().message().find("name"), absl::string_view::npos);
  ByteReader empty("");
  EXPECT_FALSE(empty.U32("x").ok());
  ByteReader trailing("ab");
  ASSERT_TRUE(trailing.U8("x").ok());
  EXPECT_EQ(trailing.ExpectEnd("thing").code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(ByteIo, OverlongStringsAreRefused) {
  ByteWriter w;
  EXPECT_EQ(w.Str8(std::string(256, 'x')).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(w.Str16(std::string(65536, 'x')).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(w.bytes().empty());
}

}  // namespace
}  // namespace handover
