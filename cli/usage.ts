/** The CLI's help texts: `proton-cleanup --help` and `proton-cleanup <command> --help`. */
const TARGETS = `Targets (one of):
  --sandbox SCENARIO  the embedded sandbox: a simulated account built from a scenario file
                      (e.g. scenarios/demo.json); executions run locally, nothing reaches AWS
    --state FILE      keep the simulated account (stacks, connections, reports, executions,
                      virtual clock) in FILE between commands; without it each command
                      starts from the scenario
  --stack NAME        a deployed stack (proton-connection-cleanup-<stage>): its outputs name the
                      state machine, report bucket and topic
    --region REGION   its Region (default: as the AWS CLI finds it; none found: exit 2)
    --profile NAME    credentials profile (default: as the AWS CLI finds credentials;
                      none found: exit 2)`;

const EXIT_CODES = `Exit codes: 0 the run completed and nothing in its report is failed; 3 it completed, but the
connection or some resource failed (kept resources and a plan are not failures); 1 the execution
failed; 2 usage error (nothing was started).`;

export const USAGE = `Usage: proton-cleanup <command> [options] (--sandbox SCENARIO [--state FILE] | --stack NAME)

Commands:
  plan                start a plan run (inventory and report; nothing is deleted) and watch it
  execute             start an execute run (deletes what the rules prove owned) and watch it
  watch EXECUTION     follow an execution: progress, elapsed time, time left
  report EXECUTION    print an execution's report (table, json, markdown or csv)
  list                recent cleanups, newest first, with their counts

${TARGETS}

  --help              this help; proton-cleanup <command> --help for a command's options

${EXIT_CODES}
`;

const REQUEST = `Request (one flag per field of the console input; see the README):
  --connection ID                 the environment account connection (a UUID)
  --environment NAME --management-account ID
                                  the environment (and its 12-digit management account)
  --sweep                         every environment that may be cleaned up, one execution each
    --environments a@111122223333,b@…  the environments the sweep may clean up
    --targets 111122223333/eu-west-1,444455556666
                                  a fleet sweep of these accounts (an account alone: each
                                  targeted Region); no --targets: every target of the hub
  --account ID --target-region R  clean up in this account and Region, one of the hub's
                                  targets (default: the hub's own)
  --retain-failed-resources       delete a DELETE_FAILED stack once more, keeping what failed
  --delete-types t1,t2            also delete stand-alone resources of these types
                                  (s3:bucket, logs:log-group, ecr:repository, ssm:parameter)
  --delete-connection-roles       delete the connection's IAM roles once its stacks are gone
  --proton-api available          ask Proton in this run (deployment with protonApi=retired)
  --plan FILE|S3-URI              execute exactly this reviewed plan. A local file is checked
                                  first (the JSON report of a succeeded plan: exit 2 if not),
                                  then uploaded to the report bucket as plans/<sha256>.json;
                                  without --connection/--environment, the plan's target is
                                  used (said on stderr); target flags must be the plan's
  --input FILE                    instead of the flags: a whole console input or EventBridge
                                  event, sent as it is, but for its mode: none named, the
                                  command's is added ("mode"; a custom event's "detail.mode");
                                  the other command's mode is exit 2; a value that is no mode
                                  is sent (the workflow refuses it). A Proton event (source
                                  aws.proton) is exit 2: it runs in the deployment's default
                                  mode, which the command cannot set
  --report FILE                   write the JSON report to FILE, and its .md and .html beside it
                                  when the workflow wrote them`;

export const COMMAND_USAGE: Record<string, string> = {
  plan: `Usage: proton-cleanup plan [request] [--report FILE] <target>

Starts a plan run (nothing is deleted), prints its progress and its summary, and then the
execute command for exactly this plan (--plan the --report FILE, else the report's S3 URI).
A plan by --environment that finds nothing of it says so in a note (exit code unchanged).

${REQUEST}

${TARGETS}

${EXIT_CODES}
`,
  execute: `Usage: proton-cleanup execute [request] [--report FILE] <target>

Starts an execute run, prints its progress and its summary. On the sandbox, a sweep's
cleanups run after it, each with its summary. A run by --environment that finds nothing of
it says so in a note (exit code unchanged).

${REQUEST}

${TARGETS}

${EXIT_CODES}
`,
  watch: `Usage: proton-cleanup watch EXECUTION <target>

Prints the execution's progress as the local run does, from its history and the cleanup's
progress object, with the elapsed time (simulated on the sandbox) and an estimate of the time
left ("unknown" until a stack has settled), until it ends.

${TARGETS}

${EXIT_CODES}
`,
  report: `Usage: proton-cleanup report EXECUTION [--format table|json|markdown|csv] [--failures] <target>

Prints the execution's report.
  --format FORMAT   table (default), json, markdown (a Markdown table) or csv (RFC 4180);
                    markdown and csv have a next step column (the workflow's, for what
                    failed or was kept)
  --failures        only what failed or was kept; the table prints under each row,
                    indented, its whole reason and its next step

${TARGETS}

${EXIT_CODES}
`,
  list: `Usage: proton-cleanup list [--max N] <target>

Recent cleanups (executions of the state machine), newest first: status, mode, connection or
environment, and the counts of their reports ("—" when there is none yet).
  --max N           how many (default 20)

On a sandbox without --state FILE, nothing is listed: each command starts from the scenario.

${TARGETS}
`,
};
