#include "orderstore/status.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace orderstore {
namespace {

TEST(StatusTest, DefaultIsOk) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.code(), Status::Code::kOk);
  EXPECT_EQ(s.ToString(), "OK");
  EXPECT_TRUE(s.message().empty());
}

TEST(StatusTest, FactoriesSetCodeAndMessage) {
  EXPECT_TRUE(Status::NotFound("x").IsNotFound());
  EXPECT_TRUE(Status::Corruption("x").IsCorruption());
  EXPECT_TRUE(Status::InvalidArgument("x").IsInvalidArgument());
  EXPECT_TRUE(Status::IOError("x").IsIOError());
  EXPECT_FALSE(Status::IOError("x").ok());
  EXPECT_TRUE(Status::AlreadyExists("x").IsAlreadyExists());
  EXPECT_FALSE(Status::AlreadyExists("x").IsConflict());
  EXPECT_EQ(Status::AlreadyExists("order 60 differs in fee").ToString(),
            "AlreadyExists: order 60 differs in fee");
  EXPECT_EQ(Status::NotFound("order abc not found").ToString(),
            "NotFound: order abc not found");
}

TEST(StatusTest, WithContextKeepsCodeAndPrefixes) {
  Status s = Status::Corruption("bad record").WithContext("order 01");
  EXPECT_TRUE(s.IsCorruption());
  EXPECT_EQ(s.message(), "order 01: bad record");
  EXPECT_TRUE(Status::OK().WithContext("x").ok());
}

TEST(ResultTest, HoldsValueOrStatus) {
  Result<int> good(7);
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(*good, 7);
  EXPECT_TRUE(good.status().ok());

  Result<int> bad(Status::NotFound("gone"));
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(bad.status().IsNotFound());
  EXPECT_EQ(bad.status().message(), "gone");
}

TEST(ResultTest, MoveOnlyValues) {
  Result<std::unique_ptr<int>> r(std::make_unique<int>(3));
  ASSERT_TRUE(r.ok());
  std::unique_ptr<int> taken = std::move(r).value();
  EXPECT_EQ(*taken, 3);
}

}  // namespace
}  // namespace orderstore
