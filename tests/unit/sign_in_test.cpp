// The pure parts of a provider sign-in: the flow cookie (seals, opens,
// refuses tampering and other keys) and the names made for new accounts.
#include "crud/sign_in.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <string>

#include "crud/oidc_flow.h"
#include "crud/users.h"

using namespace crud;

namespace {

const std::string kSessionKey(32, 'k');

TEST(SignInFlow, SealsAndOpensUnderItsOwnKey) {
  ASSERT_GE(sodium_init(), 0);
  SignInFlow flow = new_sign_in_flow("google", 1000, 600, 42, false);
  EXPECT_EQ(flow.expires_at, 1600);
  EXPECT_NE(flow.state, flow.nonce);
  EXPECT_NE(flow.nonce, flow.code_verifier);
  std::string sealed = seal_flow(flow, sign_in_box(kSessionKey));

  auto opened = open_flow(sealed, sign_in_box(kSessionKey));
  ASSERT_TRUE(opened);
  EXPECT_EQ(opened->provider, "google");
  EXPECT_EQ(opened->state, flow.state);
  EXPECT_EQ(opened->nonce, flow.nonce);
  EXPECT_EQ(opened->code_verifier, flow.code_verifier);
  EXPECT_EQ(opened->expires_at, 1600);
  EXPECT_EQ(opened->link_user_id, 42);
  EXPECT_FALSE(opened->api_client);

  EXPECT_FALSE(open_flow(sealed, sign_in_box(std::string(32, 'x')))) << "another secret";
  std::string tampered = sealed;
  tampered[tampered.size() / 2] = tampered[tampered.size() / 2] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(open_flow(tampered, sign_in_box(kSessionKey))) << "altered";
  EXPECT_FALSE(open_flow("", sign_in_box(kSessionKey))) << "empty";
}

TEST(SignInFlow, RemembersAnApiClientsSignIn) {
  ASSERT_GE(sodium_init(), 0);
  SignInFlow flow = new_sign_in_flow("google", 1000, 600, 0, true);
  auto opened = open_flow(seal_flow(flow, sign_in_box(kSessionKey)), sign_in_box(kSessionKey));
  ASSERT_TRUE(opened);
  EXPECT_TRUE(opened->api_client);
  EXPECT_EQ(opened->link_user_id, 0);
}

TEST(SignInFlow, CookieIsHostOnlyHttpOnlyAndLax) {
  EXPECT_EQ(sign_in_cookie("v", 600),
            "__Host-sign-in=v; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=600");
  EXPECT_EQ(sign_in_cookie("", 600),
            "__Host-sign-in=; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=0");
}

TEST(SignInNames, MadeFromTheProfile) {
  struct Case {
    const char* reason;
    IdTokenClaims claims;
    const char* expected;
  } cases[] = {
      {"preferred username kept", {"s", "ann_b", "Ann", "x@y"}, "ann_b"},
      {"spaces become dots, others dropped", {"s", "Ann Marie O'Neil!", "", ""}, "Ann.Marie.ONeil"},
      {"too short: the name", {"s", "al", "Al Bo", ""}, "Al.Bo"},
      {"then the e-mail's local part", {"s", "", "", "carol+x@example.com"}, "carolx"},
      {"nothing usable", {"s", "日本", "", ""}, "user"},
      {"cut to 28", {"s", std::string(40, 'a'), "", ""}, "aaaaaaaaaaaaaaaaaaaaaaaaaaaa"},
  };
  for (const auto& c : cases) {
    std::string name = username_from_claims(c.claims);
    EXPECT_EQ(name, c.expected) << c.reason;
    EXPECT_TRUE(username_problems(name).empty()) << c.reason;
  }
}

TEST(SignInNames, CandidatesStayValid) {
  EXPECT_EQ(username_candidate("ann", 1), "ann");
  EXPECT_EQ(username_candidate("ann", 2), "ann-2");
  std::string longest = username_candidate(std::string(32, 'b'), 123456);
  EXPECT_EQ(longest.size(), 32u);
  EXPECT_TRUE(username_problems(longest).empty());
}

}  // namespace
