/** The detail-types of the events that trigger a cleanup (kept free of imports: the notification reads them too). */
export const DECOMMISSION_REQUESTED = 'Proton Connection Decommission Requested';
/** What the scheduled sweep starts for a connection whose decommission date has come. */
export const DECOMMISSION_DUE = 'Proton Connection Decommission Due';
/** What the schedule starts noticeDays before a decommission date: the plan it will execute on the date, notified as notice. */
export const DECOMMISSION_NOTICE = 'Proton Connection Decommission Notice';
export const PROTON_CONNECTION_STATUS_CHANGE = 'AWS Proton Environment Account Connection Status Change';
export const PROTON_ENVIRONMENT_STATUS_CHANGE = 'AWS Proton Environment Status Change';
