#include "cephfs/cephx_caps.h"

#include <gtest/gtest.h>

namespace cephfs {
namespace {

TEST(SubvolumeCaps, ConfineTheClientToThePathAndTheNamespace) {
  auto caps = subvolume_caps("cephfs", "/volumes/_nogroup/a/1234", "cephfs.data", "fsvolumens_a",
                             Access::kReadWrite);
  ASSERT_TRUE(caps.ok()) << caps.error().message;
  EXPECT_EQ(caps->mon, "allow r fsname=cephfs");
  EXPECT_EQ(caps->mds, "allow rw fsname=cephfs path=/volumes/_nogroup/a/1234");
  EXPECT_EQ(caps->osd, "allow rw pool=cephfs.data namespace=fsvolumens_a");
}

TEST(SubvolumeCaps, ReadOnlyAccessGivesReadOnlyMdsAndOsdCaps) {
  auto caps =
      subvolume_caps("fs2", "/volumes/g/b/9", "fs2.data", "fsvolumens_b", Access::kReadOnly);
  ASSERT_TRUE(caps.ok());
  EXPECT_EQ(caps->mds, "allow r fsname=fs2 path=/volumes/g/b/9");
  EXPECT_EQ(caps->osd, "allow r pool=fs2.data namespace=fsvolumens_b");
}

TEST(SubvolumeCaps, RejectValuesThatCouldWidenTheCaps) {
  const std::string path = "/volumes/_nogroup/a/1";
  EXPECT_FALSE(subvolume_caps("cephfs", path, "cephfs.data", "", Access::kReadWrite).ok());
  EXPECT_FALSE(subvolume_caps("cephfs", "relative", "cephfs.data", "ns", Access::kReadWrite).ok());
  EXPECT_FALSE(
      subvolume_caps("cephfs", path + ", allow *", "cephfs.data", "ns", Access::kReadWrite).ok());
  EXPECT_FALSE(
      subvolume_caps("cephfs", path, "cephfs.data namespace=*", "ns", Access::kReadWrite).ok());
  auto bad = subvolume_caps("cephfs", path, "p", "ns;x", Access::kReadWrite);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ops::ErrorCode::kInvalidArgument);
  EXPECT_NE(bad.error().message.find("pool namespace"), std::string::npos);
}

}  // namespace
}  // namespace cephfs
