// The workflow bundle's entry point: every workflow the worker registers.
export { complaintWorkflow } from './complaint.workflow';
