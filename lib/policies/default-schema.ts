/**
 * Steward's world in Cedar: the default schema an installation starts with. Admins may edit it;
 * it is versioned with the policies. The top-level context attributes are derived by the PDP
 * (docs/policies.md, "Derived and claimed attributes") and always filled, so policies need no `has`
 * checks; what the caller claims is under `request`, whose attributes are optional.
 */
export const DEFAULT_CEDAR_SCHEMA = `namespace Steward {
  type ClaimedRequest = {
    "destination"?: String,
    "taskPurpose"?: String,
    "approved"?: Bool,
    "destructive"?: Bool,
    "external"?: Bool,
    "dataSensitivity"?: String,
    "delegationDepth"?: Long,
  };

  type RequestContext = {
    "request": ClaimedRequest,
    "actionName": String,
    "destination": String,
    "external": Bool,
    "destructive": Bool,
    "approved": Bool,
    "dataSensitivity": String,
    "sensitivityLevel": Long,
    "taskPurpose": String,
    "delegationDepth": Long,
    "hour": Long,
    "weekday": Long,
  };

  entity Team { "name"?: String };
  entity Group { "name"?: String };
  entity Person in [Team, Group] {
    "name": String,
    "email": String,
    "active": Bool,
  };
  entity Agent in [Team, Group] {
    "name": String,
    "status": String,
    "environment": String,
    "riskTier": String,
    "hasOwner": Bool,
    "owner"?: Person,
    "credentialKind": String,
    "staticCredential": Bool,
    "dataSensitivity": String,
    "declaredActions": Set<String>,
    "declaredResourceTypes": Set<String>,
  };
  entity ResourceGroup in [ResourceGroup] { "name"?: String };
  entity Tool in [ResourceGroup] {
    "name"?: String,
    "environment"?: String,
    "sensitivity"?: String,
    "destructive"?: Bool,
    "external"?: Bool,
  };
  entity Resource in [Resource, ResourceGroup] {
    "kind"?: String,
    "environment"?: String,
    "sensitivity"?: String,
  };
  entity Task { "purpose"?: String };

  action call_tool appliesTo {
    principal: [Agent, Person],
    resource: [Tool, Resource],
    context: RequestContext,
  };
  action read, write appliesTo {
    principal: [Agent, Person],
    resource: [Resource, Tool],
    context: RequestContext,
  };
  action delegate appliesTo {
    principal: [Agent],
    resource: [Agent, Task],
    context: RequestContext,
  };
}
`;
