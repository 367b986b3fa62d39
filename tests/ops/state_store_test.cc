#include "ops/state_store.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

namespace ops {
namespace {

namespace fs = std::filesystem;

class StateStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("ops-state-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path() const { return (dir_ / ".ops-cpp-state.json").string(); }
  void write(const std::string& text) { std::ofstream(path()) << text; }
  fs::path dir_;
};

StateDocument sample_document() {
  StateDocument doc;
  doc.event_count = 17;
  doc.snapshots["charm/on/config_changed[17]"] = nlohmann::json::object();
  doc.snapshots["charm/StoredStateData[_stored]"] = {{"mounted", true}, {"count", 3}};
  doc.notices.push_back({"charm/on/config_changed[17]", "charm", "config_changed/0"});
  return doc;
}

TEST(StateDocumentTest, OnlyStoredStateOrNoticeChangesNeedASave) {
  const StateDocument before = sample_document();
  StateDocument after = before;
  after.event_count += 5;
  EXPECT_FALSE(needs_save(before, after)) << "the event counter alone is not worth an fsync";
  after.snapshots["charm/StoredStateData[_stored]"]["count"] = 4;
  EXPECT_TRUE(needs_save(before, after));
  after = before;
  after.notices.push_back({"charm/on/update_status[18]", "charm", "update_status/0"});
  EXPECT_TRUE(needs_save(before, after));
  after = before;
  after.notices.clear();
  EXPECT_TRUE(needs_save(before, after)) << "a re-emitted notice that was handled is gone";
}

TEST_F(StateStoreTest, MissingFileLoadsAsEmptyDocument) {
  JsonFileStateStore store(path());
  auto doc = store.load();
  ASSERT_TRUE(doc.ok()) << doc.error().message;
  EXPECT_EQ(*doc, StateDocument{});
}

TEST_F(StateStoreTest, SaveThenLoadRoundTripsEveryField) {
  JsonFileStateStore store(path());
  ASSERT_TRUE(store.save(sample_document()).ok());
  auto doc = store.load();
  ASSERT_TRUE(doc.ok()) << doc.error().message;
  EXPECT_EQ(*doc, sample_document());
}

TEST_F(StateStoreTest, SavedFileIsReadableByOwnerOnlyAndLeavesNoTempFile) {
  JsonFileStateStore store(path());
  ASSERT_TRUE(store.save(sample_document()).ok());
  struct stat st {};
  ASSERT_EQ(::stat(path().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_FALSE(fs::exists(path() + ".tmp"));
}

TEST_F(StateStoreTest, DocumentedFormatIsWhatIsWritten) {
  JsonFileStateStore store(path());
  ASSERT_TRUE(store.save(sample_document()).ok());
  std::ifstream in(path());
  auto json = nlohmann::json::parse(in);
  EXPECT_EQ(json["format"], 1);
  EXPECT_EQ(json["event_count"], 17);
  EXPECT_EQ(json["notices"][0],
            nlohmann::json({"charm/on/config_changed[17]", "charm", "config_changed/0"}));
  EXPECT_EQ(json["snapshots"]["charm/StoredStateData[_stored]"]["count"], 3);
}

TEST_F(StateStoreTest, AFormatThatIsNotAnIntegerIsCorruptNotACrash) {
  // Found by fuzzing (fuzz/state_file_fuzz.cc): "format": "x" used to throw out of load().
  for (const char* format : {R"("x")", "1.0", "null", "[1]"}) {
    write(std::string(R"({"format": )") + format + R"(, "event_count": 0})");
    JsonFileStateStore store(path());
    auto doc = store.load();
    ASSERT_FALSE(doc.ok()) << format;
    EXPECT_EQ(doc.error().code, ErrorCode::kCorruptState) << format;
  }
}

TEST_F(StateStoreTest, CorruptFileIsReportedWithItsPathAndLeftUntouched) {
  write("{not json");
  JsonFileStateStore store(path());
  auto doc = store.load();
  ASSERT_FALSE(doc.ok());
  EXPECT_EQ(doc.error().code, ErrorCode::kCorruptState);
  EXPECT_NE(doc.error().message.find(path()), std::string::npos);
  EXPECT_NE(doc.error().message.find("move it aside"), std::string::npos);
  std::ifstream in(path());
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text, "{not json");
}

TEST_F(StateStoreTest, WrongShapeIsCorruptNotACrash) {
  for (const char* text :
       {"[]", "{\"format\":1}", "{\"format\":2,\"event_count\":0,\"snapshots\":{},\"notices\":[]}",
        "{\"format\":1,\"event_count\":\"x\",\"snapshots\":{},\"notices\":[]}",
        "{\"format\":1,\"event_count\":0,\"snapshots\":[],\"notices\":[]}",
        "{\"format\":1,\"event_count\":0,\"snapshots\":{},\"notices\":[[1,2,3]]}",
        "{\"format\":1,\"event_count\":0,\"snapshots\":{},\"notices\":[[\"a\",\"b\"]]}"}) {
    write(text);
    JsonFileStateStore store(path());
    auto doc = store.load();
    ASSERT_FALSE(doc.ok()) << text;
    EXPECT_EQ(doc.error().code, ErrorCode::kCorruptState) << text;
  }
}

TEST_F(StateStoreTest, SaveIntoMissingDirectoryFailsWithoutCreatingAnything) {
  JsonFileStateStore store((dir_ / "missing" / "state.json").string());
  auto saved = store.save(sample_document());
  ASSERT_FALSE(saved.ok());
  EXPECT_EQ(saved.error().code, ErrorCode::kIoError);
  EXPECT_FALSE(fs::exists(dir_ / "missing"));
}

}  // namespace
}  // namespace ops
