//! The role extractors every module authorises with: anonymous → 401, wrong role → 403.
#![allow(clippy::unwrap_used)]

use axum::http::{Method, StatusCode};
use sqlx::MySqlPool;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;
use ycyw_shared::AppState;
use ycyw_shared::auth::{AgentUser, AnyUser, ClientUser, Role, SupportUser};
use ycyw_testkit::TestApp;

#[utoipa::path(get, path = "/client-only", responses((status = 200, description = "client")))]
async fn client_only(ClientUser(claims): ClientUser) -> String {
    claims.sub.to_string()
}

#[utoipa::path(get, path = "/support-only", responses((status = 200, description = "support")))]
async fn support_only(SupportUser(claims): SupportUser) -> String {
    claims.sub.to_string()
}

#[utoipa::path(get, path = "/agent-only", responses((status = 200, description = "agent")))]
async fn agent_only(agent: AgentUser) -> String {
    agent.agency_id.to_string()
}

#[utoipa::path(get, path = "/anyone", responses((status = 200, description = "any user")))]
async fn anyone(AnyUser(claims): AnyUser) -> String {
    claims.role.to_string()
}

fn module(_: &AppState) -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(client_only)).routes(routes!(support_only)).routes(routes!(agent_only)).routes(routes!(anyone))
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn shared_role_matrix(pool: MySqlPool) {
    let app = TestApp::routes(pool, module, &[]).await;
    let agency = Uuid::now_v7();
    let users = [("client", Role::Client, None), ("support", Role::Support, None), ("agent", Role::Agent, Some(agency))];
    let routes = ["/api/v1/client-only", "/api/v1/support-only", "/api/v1/agent-only", "/api/v1/anyone"];
    for route in routes {
        app.get(route).await.assert_problem(StatusCode::UNAUTHORIZED, "unauthorized");
    }
    for (name, role, agency_id) in users {
        let auth = app.bearer(Uuid::now_v7(), role, agency_id);
        for route in routes {
            let response = app.call(Method::GET, route, None, &[("authorization", &auth)]).await;
            let allowed = route == "/api/v1/anyone" || route == format!("/api/v1/{name}-only");
            if allowed {
                assert_eq!(response.status, StatusCode::OK, "{name} on {route}");
            } else {
                response.assert_problem(StatusCode::FORBIDDEN, "forbidden");
            }
        }
    }
    let agent = app.bearer(Uuid::now_v7(), Role::Agent, Some(agency));
    let body = app.call(Method::GET, "/api/v1/agent-only", None, &[("authorization", &agent)]).await.body;
    assert_eq!(String::from_utf8(body).unwrap(), agency.to_string(), "agents carry their agency");
}
