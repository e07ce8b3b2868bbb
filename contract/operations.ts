import { z } from "zod";
import { ErrorBody } from "./common.js";
import {
  DossierKeyQuery,
  DossierList,
  DossierParams,
  Dossier as DossierSchema,
  SubmitDossierRequest,
  SubmitHeaders,
  TransitionRequest,
} from "./dossier.js";
import {
  AuthorizeRequest,
  AuthorizeResponse,
  Jwks,
  OidcConfiguration,
  TokenRequest,
  TokenResponse,
} from "./identity.js";
import {
  ConfirmPaymentReply,
  ConfirmPaymentRequest,
  CreatePaymentRequest,
  Payment,
  PaymentCallback,
  PaymentInitReply,
  PaymentInitRequest,
  PaymentParams,
} from "./payment.js";
import {
  CreateDocumentRequest,
  DocumentParams,
  DocumentRecord,
  ForwardDocumentRequest,
  Meeting,
  MeetingMemberRequest,
  MeetingParams,
  Report,
  ReportQuery,
  SignDocumentRequest,
} from "./platforms.js";
import { Citizen, CitizenParams } from "./population.js";
import { Procedure, ProcedureList, ProcedureParams, ProcedureSearchQuery } from "./procedure.js";
import {
  CapNhatTienDoRequest,
  DongBoHoSoRequest,
  LoginReply,
  LoginRequest,
  NationalView,
  SyncStatus,
  TraCuuHoSoQuery,
  TraCuuHoSoReply,
} from "./sync.js";

/**
 * Every operation of the portal contract, once. The gateway validates requests with these schemas, the
 * OpenAPI document is generated from them, and the contract tests validate responses against them.
 * `server` says who serves the operation: the portal gateway (what the harness drives), or the national
 * portal and payment platform the portal integrates with (spec-style interfaces the mock also implements).
 */
export interface ResponseSpec {
  description: string;
  schema: z.ZodType;
  /** Response headers the contract promises, e.g. Retry-After on 503. */
  headers?: readonly string[];
}

export interface OperationSpec {
  method: "get" | "post";
  path: string;
  server: "gateway" | "national" | "payment";
  tag: string;
  summary: string;
  auth?: "bearer";
  params?: z.ZodObject;
  query?: z.ZodObject;
  headers?: z.ZodObject;
  body?: z.ZodType;
  responses: Readonly<Record<number, ResponseSpec>>;
}

const err = (description: string): ResponseSpec => ({ description, schema: ErrorBody });
const overloaded: ResponseSpec = {
  description: "OVERLOADED or UPSTREAM_UNAVAILABLE: shed by admission control or a part is down; retry later",
  schema: ErrorBody,
  headers: ["retry-after"],
};
const bad = err("BAD_REQUEST: the request does not match the contract");

export const operations = {
  searchProcedures: {
    method: "get",
    path: "/api/v1/procedures",
    server: "gateway",
    tag: "catalogue",
    summary: "Search the procedure catalogue (LayDanhSachTTHC)",
    query: ProcedureSearchQuery,
    responses: { 200: { description: "a page of procedures", schema: ProcedureList }, 400: bad },
  },
  getProcedure: {
    method: "get",
    path: "/api/v1/procedures/{code}",
    server: "gateway",
    tag: "catalogue",
    summary: "One procedure (LayThuTuc)",
    params: ProcedureParams,
    responses: {
      200: { description: "the procedure", schema: Procedure },
      400: bad,
      404: err("PROCEDURE_NOT_FOUND"),
    },
  },
  oidcConfiguration: {
    method: "get",
    path: "/.well-known/openid-configuration",
    server: "gateway",
    tag: "identity",
    summary: "OpenID Connect discovery of the VNeID-style issuer",
    responses: { 200: { description: "discovery document", schema: OidcConfiguration }, 503: overloaded },
  },
  jwks: {
    method: "get",
    path: "/api/v1/auth/jwks",
    server: "gateway",
    tag: "identity",
    summary: "The issuer's signing keys",
    responses: { 200: { description: "JWKS", schema: Jwks }, 503: overloaded },
  },
  authorize: {
    method: "post",
    path: "/api/v1/auth/authorize",
    server: "gateway",
    tag: "identity",
    summary: "Authorization request; answers with the authorization code a redirect would carry",
    body: AuthorizeRequest,
    responses: {
      200: { description: "code and state", schema: AuthorizeResponse },
      400: err("BAD_REQUEST or UNKNOWN_CLIENT"),
      503: overloaded,
    },
  },
  token: {
    method: "post",
    path: "/api/v1/auth/token",
    server: "gateway",
    tag: "identity",
    summary: "Exchange an authorization code for tokens (ID token carries the citizen id as sub)",
    body: TokenRequest,
    responses: {
      200: { description: "signed tokens", schema: TokenResponse },
      400: err("BAD_REQUEST or INVALID_GRANT (unknown, used or expired code)"),
      503: overloaded,
    },
  },
  getCitizen: {
    method: "get",
    path: "/api/v1/citizens/{citizenId}",
    server: "gateway",
    tag: "population",
    summary: "Population database lookup by citizen id (bearer token of that citizen)",
    auth: "bearer",
    params: CitizenParams,
    responses: {
      200: { description: "the citizen", schema: Citizen },
      400: bad,
      401: err("UNAUTHORIZED: no or inactive token"),
      403: err("FORBIDDEN: the token belongs to another citizen"),
      404: err("CITIZEN_NOT_FOUND"),
      503: overloaded,
    },
  },
  submitDossier: {
    method: "post",
    path: "/api/v1/dossiers",
    server: "gateway",
    tag: "dossiers",
    summary: "Submit a dossier; the same Idempotency-Key always yields the same dossier",
    headers: SubmitHeaders,
    body: SubmitDossierRequest,
    responses: {
      201: { description: "created", schema: DossierSchema },
      200: { description: "already submitted with this key", schema: DossierSchema },
      400: bad,
      409: err("AGENCY_DAILY_LIMIT: the agency's daily counter is exhausted"),
      503: overloaded,
    },
  },
  getDossier: {
    method: "get",
    path: "/api/v1/dossiers/{code}",
    server: "gateway",
    tag: "dossiers",
    summary: "Look a dossier up by code (TraCuuHoSo)",
    params: DossierParams,
    responses: {
      200: { description: "the dossier", schema: DossierSchema },
      400: bad,
      404: err("DOSSIER_NOT_FOUND"),
      503: overloaded,
    },
  },
  findDossiersByKey: {
    method: "get",
    path: "/api/v1/dossiers",
    server: "gateway",
    tag: "dossiers",
    summary: "Dossiers created under an idempotency key (more than one is a duplicate)",
    query: DossierKeyQuery,
    responses: { 200: { description: "matches", schema: DossierList }, 400: bad, 503: overloaded },
  },
  transitionDossier: {
    method: "post",
    path: "/api/v1/dossiers/{code}/transitions",
    server: "gateway",
    tag: "officers",
    summary: "Officer action: move a dossier along the status graph",
    params: DossierParams,
    body: TransitionRequest,
    responses: {
      200: { description: "the dossier after the move", schema: DossierSchema },
      400: bad,
      404: err("DOSSIER_NOT_FOUND"),
      409: err("ILLEGAL_TRANSITION: the graph does not allow this move from the current status"),
      503: overloaded,
    },
  },
  createPayment: {
    method: "post",
    path: "/api/v1/payments",
    server: "gateway",
    tag: "payments",
    summary: "Start paying a dossier's fee (INIT at the payment platform)",
    body: CreatePaymentRequest,
    responses: {
      201: { description: "payment started", schema: Payment },
      400: err("BAD_REQUEST or BAD_CHECKSUM"),
      404: err("DOSSIER_NOT_FOUND"),
      503: overloaded,
    },
  },
  confirmPayment: {
    method: "post",
    path: "/api/v1/payments/{paymentId}/confirm",
    server: "gateway",
    tag: "payments",
    summary: "The citizen completes payment at the platform; the result arrives later by callback",
    params: PaymentParams,
    body: ConfirmPaymentRequest,
    responses: {
      202: { description: "processing", schema: ConfirmPaymentReply },
      400: bad,
      404: err("PAYMENT_NOT_FOUND"),
      503: overloaded,
    },
  },
  getPayment: {
    method: "get",
    path: "/api/v1/payments/{paymentId}",
    server: "gateway",
    tag: "payments",
    summary: "The portal's view of a payment",
    params: PaymentParams,
    responses: {
      200: { description: "the payment", schema: Payment },
      400: bad,
      404: err("PAYMENT_NOT_FOUND"),
    },
  },
  paymentCallback: {
    method: "post",
    path: "/api/v1/payments/callback",
    server: "gateway",
    tag: "payments",
    summary: "Payment platform → portal result callback (MaXacThuc checked)",
    body: PaymentCallback,
    responses: {
      200: {
        description: "error_code 00 accepted",
        schema: z.object({ error_code: z.string(), message: z.string() }),
      },
      400: err("BAD_REQUEST or BAD_CHECKSUM"),
      404: err("PAYMENT_NOT_FOUND"),
      503: overloaded,
    },
  },
  syncStatus: {
    method: "get",
    path: "/api/v1/sync/status",
    server: "gateway",
    tag: "sync",
    summary: "The outbox to the national portal: pending messages and lag",
    responses: { 200: { description: "outbox state", schema: SyncStatus }, 503: overloaded },
  },
  nationalDossier: {
    method: "get",
    path: "/api/v1/sync/dossiers/{code}",
    server: "gateway",
    tag: "sync",
    summary: "Whether the national portal has this dossier, and in which status",
    params: DossierParams,
    responses: { 200: { description: "national view", schema: NationalView }, 400: bad, 503: overloaded },
  },
  createDocument: {
    method: "post",
    path: "/api/v1/documents",
    server: "gateway",
    tag: "documents",
    summary: "Document management: draft a document for a dossier",
    body: CreateDocumentRequest,
    responses: { 201: { description: "drafted", schema: DocumentRecord }, 400: bad, 503: overloaded },
  },
  getDocument: {
    method: "get",
    path: "/api/v1/documents/{id}",
    server: "gateway",
    tag: "documents",
    summary: "One document",
    params: DocumentParams,
    responses: {
      200: { description: "the document", schema: DocumentRecord },
      400: bad,
      404: err("DOCUMENT_NOT_FOUND"),
      503: overloaded,
    },
  },
  forwardDocument: {
    method: "post",
    path: "/api/v1/documents/{id}/forward",
    server: "gateway",
    tag: "documents",
    summary: "Forward a document to another officer",
    params: DocumentParams,
    body: ForwardDocumentRequest,
    responses: {
      200: { description: "forwarded", schema: DocumentRecord },
      400: bad,
      403: err("NOT_HOLDER"),
      404: err("DOCUMENT_NOT_FOUND"),
      409: err("DOCUMENT_ALREADY_SIGNED"),
      503: overloaded,
    },
  },
  signDocument: {
    method: "post",
    path: "/api/v1/documents/{id}/sign",
    server: "gateway",
    tag: "documents",
    summary: "The holding officer signs the document",
    params: DocumentParams,
    body: SignDocumentRequest,
    responses: {
      200: { description: "signed", schema: DocumentRecord },
      400: bad,
      403: err("NOT_HOLDER"),
      404: err("DOCUMENT_NOT_FOUND"),
      409: err("DOCUMENT_ALREADY_SIGNED"),
      503: overloaded,
    },
  },
  dossierReport: {
    method: "get",
    path: "/api/v1/reports/dossiers",
    server: "gateway",
    tag: "reporting",
    summary: "Aggregate dossier counts (expensive: scans the history)",
    query: ReportQuery,
    responses: { 200: { description: "aggregate", schema: Report }, 400: bad, 503: overloaded },
  },
  getMeeting: {
    method: "get",
    path: "/api/v1/meetings/{id}",
    server: "gateway",
    tag: "meetings",
    summary: "An online meeting session",
    params: MeetingParams,
    responses: {
      200: { description: "the meeting", schema: Meeting },
      400: bad,
      404: err("MEETING_NOT_FOUND"),
      503: overloaded,
    },
  },
  joinMeeting: {
    method: "post",
    path: "/api/v1/meetings/{id}/join",
    server: "gateway",
    tag: "meetings",
    summary: "Join a meeting (idempotent per participant)",
    params: MeetingParams,
    body: MeetingMemberRequest,
    responses: {
      200: { description: "joined", schema: Meeting },
      400: bad,
      404: err("MEETING_NOT_FOUND"),
      409: err("MEETING_FULL: the session is at capacity"),
      503: overloaded,
    },
  },
  leaveMeeting: {
    method: "post",
    path: "/api/v1/meetings/{id}/leave",
    server: "gateway",
    tag: "meetings",
    summary: "Leave a meeting",
    params: MeetingParams,
    body: MeetingMemberRequest,
    responses: {
      200: { description: "left", schema: Meeting },
      400: bad,
      404: err("MEETING_NOT_FOUND"),
      503: overloaded,
    },
  },
  nationalLogin: {
    method: "post",
    path: "/login",
    server: "national",
    tag: "national",
    summary: "Session login before any sync call",
    body: LoginRequest,
    responses: { 200: { description: "error_code 00 and a session", schema: LoginReply }, 400: bad },
  },
  dongBoHoSo: {
    method: "post",
    path: "/DongBoHoSoMC",
    server: "national",
    tag: "national",
    summary: "Provincial system pushes a dossier (absorbed when the MessageId was seen)",
    body: DongBoHoSoRequest,
    responses: {
      200: {
        description: "error_code 00 ok, 99 bad session",
        schema: LoginReply.pick({ error_code: true, message: true }),
      },
      400: bad,
    },
  },
  capNhatTienDo: {
    method: "post",
    path: "/CapNhatTienDoHoSoMC",
    server: "national",
    tag: "national",
    summary: "Provincial system pushes a status change",
    body: CapNhatTienDoRequest,
    responses: {
      200: {
        description: "error_code 00 ok, 02 unknown dossier, 99 bad session",
        schema: LoginReply.pick({ error_code: true, message: true }),
      },
      400: bad,
    },
  },
  traCuuHoSo: {
    method: "get",
    path: "/TraCuuHoSo",
    server: "national",
    tag: "national",
    summary: "The national portal's record of a dossier (error_code 04 when it has none)",
    query: TraCuuHoSoQuery,
    responses: { 200: { description: "the national record", schema: TraCuuHoSoReply }, 400: bad },
  },
  paymentInit: {
    method: "post",
    path: "/payment/init",
    server: "payment",
    tag: "payment-platform",
    summary: "INIT at the payment platform; MaXacThuc = SHA-256(MaThamChieu|SoTien|NoiDung|secret)",
    body: PaymentInitRequest,
    responses: {
      200: { description: "error_code 00 and the payment URL", schema: PaymentInitReply },
      400: err("BAD_REQUEST or BAD_CHECKSUM"),
    },
  },
} as const satisfies Record<string, OperationSpec>;

export type OperationId = keyof typeof operations;
export const operationIds = Object.keys(operations) as OperationId[];

/** `/api/v1/dossiers/{code}` → `/api/v1/dossiers/:code` for Fastify's router. */
export const routePath = (path: string): string => path.replace(/\{(\w+)\}/g, ":$1");
