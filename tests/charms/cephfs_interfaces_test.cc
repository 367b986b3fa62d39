#include "charms/storage_libs/v0/cephfs_interfaces.h"

#include <gtest/gtest.h>

namespace charms::storage_libs::v0 {
namespace {

TEST(CephFSInterfaces, DeclaresTheIdentityOfThePythonLibraryLibpatch2) {
  EXPECT_EQ(LIBID, "874169fd0b874bbeb616941ada231d99");
  EXPECT_EQ(LIBAPI, 0);
  EXPECT_EQ(LIBPATCH, 2);
}

TEST(CephFSInterfaces, ComparesValueTypesFieldByField) {
  const CephFSShareInfo share{"f", "n", "/", {"h:1"}};
  EXPECT_EQ(share, (CephFSShareInfo{"f", "n", "/", {"h:1"}}));
  EXPECT_NE(share, (CephFSShareInfo{"f", "n", "/", {"h:1", "h:2"}}));
  EXPECT_EQ((CephFSAuthInfo{"u", "k"}), (CephFSAuthInfo{"u", "k"}));
  EXPECT_NE((CephFSAuthInfo{"u", "k"}), (CephFSAuthInfo{"u", "k2"}));
}

}  // namespace
}  // namespace charms::storage_libs::v0
