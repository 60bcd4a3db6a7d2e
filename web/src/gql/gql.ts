/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query Viewer {\n    viewer {\n      id\n      name\n      email\n      role\n    }\n    account {\n      email\n      emailConfirmed\n    }\n    organization {\n      id\n      name\n      slug\n      timeZone\n      isDemo\n      demo {\n        nextResetAt\n      }\n    }\n  }\n": typeof types.ViewerDocument,
    "\n  mutation LogOut {\n    logOut\n  }\n": typeof types.LogOutDocument,
    "\n  query Subscription {\n    organization {\n      id\n      isDemo\n      subscription {\n        status\n        trialEndsAt\n        currentPeriodEnd\n        graceEndsAt\n        interval\n        cancelAtPeriodEnd\n        billingEnabled\n        yearlyAvailable\n        readOnly\n        readOnlyReason\n      }\n    }\n  }\n": typeof types.SubscriptionDocument,
    "\n  subscription TicketChanged {\n    ticketChanged {\n      ticketId\n      number\n      kind\n    }\n  }\n": typeof types.TicketChangedDocument,
    "\n  fragment MailAuthenticationFields on MailAuthentication {\n    authenticated\n    spf\n    dkim\n    dmarc\n    summary\n  }\n": typeof types.MailAuthenticationFieldsFragmentDoc,
    "\n  mutation UpdateProfile($input: UpdateProfileInput!) {\n    updateProfile(input: $input) {\n      id\n      name\n    }\n  }\n": typeof types.UpdateProfileDocument,
    "\n  mutation RequestEmailChange($input: RequestEmailChangeInput!) {\n    requestEmailChange(input: $input)\n  }\n": typeof types.RequestEmailChangeDocument,
    "\n  mutation ChangePassword($input: ChangePasswordInput!) {\n    changePassword(input: $input)\n  }\n": typeof types.ChangePasswordDocument,
    "\n  mutation StartCheckout($interval: BillingInterval!) {\n    startCheckout(interval: $interval) {\n      url\n    }\n  }\n": typeof types.StartCheckoutDocument,
    "\n  mutation OpenBillingPortal {\n    openBillingPortal {\n      url\n    }\n  }\n": typeof types.OpenBillingPortalDocument,
    "\n  mutation SaveCalendar($input: SaveBusinessCalendarInput!) {\n    saveBusinessCalendar(input: $input) {\n      calendar {\n        id\n        name\n        timeZone\n        workingHours {\n          day\n          start\n          end\n          overnight\n        }\n        holidays\n      }\n    }\n  }\n": typeof types.SaveCalendarDocument,
    "\n  query AdminCatalog {\n    organization {\n      id\n      departments {\n        id\n        name\n      }\n      categories {\n        id\n        name\n        parentId\n        departmentId\n        position\n      }\n    }\n  }\n": typeof types.AdminCatalogDocument,
    "\n  mutation CreateDepartment($name: String!) {\n    createDepartment(name: $name) {\n      id\n    }\n  }\n": typeof types.CreateDepartmentDocument,
    "\n  mutation RenameDepartment($id: ID!, $name: String!) {\n    renameDepartment(id: $id, name: $name) {\n      id\n    }\n  }\n": typeof types.RenameDepartmentDocument,
    "\n  mutation CreateCategory($input: CreateCategoryInput!) {\n    createCategory(input: $input) {\n      id\n    }\n  }\n": typeof types.CreateCategoryDocument,
    "\n  mutation RenameCategory($id: ID!, $name: String!) {\n    renameCategory(id: $id, name: $name) {\n      id\n    }\n  }\n": typeof types.RenameCategoryDocument,
    "\n  mutation DeleteCategory($id: ID!) {\n    deleteCategory(id: $id)\n  }\n": typeof types.DeleteCategoryDocument,
    "\n  query AdminMailSetup {\n    organization {\n      id\n      name\n    }\n    mailSetup {\n      intakeAddress\n      fromName\n      signature\n      closedReply\n      acknowledge\n      unprovenReplies\n      quota {\n        sentLast24Hours\n        limit\n      }\n      aliases {\n        id\n        address\n        verifiedAt\n        createdAt\n      }\n    }\n    inboundMessages(status: QUARANTINED, first: 20) {\n      nodes {\n        id\n        receivedAt\n        from\n        mailFrom\n        subject\n        reason\n        authentication {\n          ...MailAuthenticationFields\n        }\n      }\n    }\n  }\n": typeof types.AdminMailSetupDocument,
    "\n  mutation UpdateMailSettings($input: UpdateMailSettingsInput!) {\n    updateMailSettings(input: $input) {\n      fromName\n      signature\n      closedReply\n      acknowledge\n      unprovenReplies\n    }\n  }\n": typeof types.UpdateMailSettingsDocument,
    "\n  mutation AddMailAlias($address: String!) {\n    addMailAlias(address: $address) {\n      id\n      address\n      verifiedAt\n      createdAt\n    }\n  }\n": typeof types.AddMailAliasDocument,
    "\n  mutation VerifyMailAlias($id: ID!, $code: String!) {\n    verifyMailAlias(id: $id, code: $code) {\n      id\n      address\n      verifiedAt\n      createdAt\n    }\n  }\n": typeof types.VerifyMailAliasDocument,
    "\n  mutation RemoveMailAlias($id: ID!) {\n    removeMailAlias(id: $id)\n  }\n": typeof types.RemoveMailAliasDocument,
    "\n  mutation ReleaseInboundMessage($id: ID!) {\n    releaseInboundMessage(id: $id) {\n      id\n      status\n    }\n  }\n": typeof types.ReleaseInboundMessageDocument,
    "\n  mutation DiscardInboundMessage($id: ID!) {\n    discardInboundMessage(id: $id) {\n      id\n      status\n    }\n  }\n": typeof types.DiscardInboundMessageDocument,
    "\n  query AdminMembers($after: String) {\n    members(first: 100, after: $after) {\n      nodes {\n        id\n        name\n        email\n        role\n        status\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.AdminMembersDocument,
    "\n  mutation InviteMember($input: InviteMemberInput!) {\n    inviteMember(input: $input) {\n      invitation {\n        id\n        email\n        role\n        expiresAt\n      }\n    }\n  }\n": typeof types.InviteMemberDocument,
    "\n  mutation UpdateMember($input: UpdateMemberInput!) {\n    updateMember(input: $input) {\n      id\n      role\n      status\n    }\n  }\n": typeof types.UpdateMemberDocument,
    "\n  query Outbox {\n    outboundMessages(first: 50) {\n      edges {\n        node {\n          id\n          kind\n          recipients\n          subject\n          text\n          status\n          lastError\n          createdAt\n        }\n      }\n    }\n  }\n": typeof types.OutboxDocument,
    "\n  query AdminSla {\n    organization {\n      id\n      timeZone\n      departments {\n        id\n        name\n      }\n    }\n    businessCalendars {\n      id\n      name\n      timeZone\n      workingHours {\n        day\n        start\n        end\n        overnight\n      }\n      holidays\n    }\n    slaPolicies {\n      id\n      departmentId\n      priority\n      calendarId\n      firstResponseMinutes\n      resolutionMinutes\n    }\n  }\n": typeof types.AdminSlaDocument,
    "\n  mutation SetSlaPolicy($input: SetSlaPolicyInput!) {\n    setSlaPolicy(input: $input) {\n      policy {\n        id\n        departmentId\n        priority\n        calendarId\n        firstResponseMinutes\n        resolutionMinutes\n      }\n    }\n  }\n": typeof types.SetSlaPolicyDocument,
    "\n  mutation DeleteCalendar($id: ID!) {\n    deleteBusinessCalendar(id: $id)\n  }\n": typeof types.DeleteCalendarDocument,
    "\n  mutation CreateTicket($input: CreateTicketInput!) {\n    createTicket(input: $input) {\n      ticket {\n        id\n        number\n      }\n    }\n  }\n": typeof types.CreateTicketDocument,
    "\n  query Notifications {\n    unreadNotificationCount\n    notifications(first: 15) {\n      nodes {\n        id\n        kind\n        title\n        ticketNumber\n        createdAt\n        readAt\n      }\n    }\n  }\n": typeof types.NotificationsDocument,
    "\n  mutation MarkNotificationsRead($ids: [ID!]!) {\n    markNotificationsRead(ids: $ids)\n  }\n": typeof types.MarkNotificationsReadDocument,
    "\n  query Queue($first: Int!, $after: String, $filter: TicketFilter, $orderBy: TicketOrder) {\n    tickets(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {\n      edges {\n        node {\n          id\n          number\n          kind\n          subject\n          status\n          priority\n          updatedAt\n          tags\n          requester {\n            id\n            name\n          }\n          assignee {\n            id\n            name\n          }\n          category {\n            id\n            name\n          }\n          sla {\n            responseDueAt\n            resolutionDueAt\n            responseBreached\n            resolutionBreached\n            responseAtRiskAt\n            resolutionAtRiskAt\n            paused\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.QueueDocument,
    "\n  mutation QueueUpdateTicket($input: UpdateTicketInput!) {\n    updateTicket(input: $input) {\n      ticket {\n        id\n        status\n        updatedAt\n        assignee {\n          id\n          name\n        }\n      }\n    }\n  }\n": typeof types.QueueUpdateTicketDocument,
    "\n  query WorkspaceOptions {\n    members(first: 100, roles: [OWNER, ADMIN, AGENT]) {\n      nodes {\n        id\n        name\n        email\n        status\n      }\n    }\n    organization {\n      id\n      categories {\n        id\n        name\n        parentId\n      }\n    }\n  }\n": typeof types.WorkspaceOptionsDocument,
    "\n  fragment MessageFields on TicketMessage {\n    id\n    body\n    internal\n    channel\n    createdAt\n    author {\n      id\n      name\n      email\n    }\n  }\n": typeof types.MessageFieldsFragmentDoc,
    "\n  fragment AgentMessageFields on TicketMessage {\n    ...MessageFields\n    email {\n      authentication {\n        ...MailAuthenticationFields\n      }\n    }\n  }\n": typeof types.AgentMessageFieldsFragmentDoc,
    "\n  query Ticket($number: String!) {\n    ticket(number: $number) {\n      id\n      number\n      kind\n      subject\n      description\n      status\n      priority\n      impact\n      urgency\n      channel\n      emailAuthentication {\n        ...MailAuthenticationFields\n      }\n      tags\n      createdAt\n      updatedAt\n      firstResponseAt\n      resolvedAt\n      reopenCount\n      requester {\n        id\n        name\n        email\n      }\n      assignee {\n        id\n        name\n      }\n      category {\n        id\n        name\n      }\n      sla {\n        responseDueAt\n        resolutionDueAt\n        responseBreached\n        resolutionBreached\n        responseAtRiskAt\n        resolutionAtRiskAt\n        paused\n        explanation {\n          label\n          pausedSince\n          pauseReason\n          response {\n            targetMinutes\n            usedMinutes\n            dueAt\n            metAt\n            breachedAt\n            atRisk\n          }\n          resolution {\n            targetMinutes\n            usedMinutes\n            dueAt\n            metAt\n            breachedAt\n            atRisk\n          }\n          timeline {\n            at\n            kind\n            detail\n          }\n        }\n      }\n      messages(first: 100) {\n        edges {\n          node {\n            ...AgentMessageFields\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n      attachments {\n        id\n        filename\n        contentType\n        sizeBytes\n        inline\n        url\n      }\n      events(first: 100) {\n        edges {\n          node {\n            id\n            action\n            changes\n            createdAt\n            actor {\n              id\n              name\n            }\n          }\n        }\n      }\n    }\n  }\n": typeof types.TicketDocument,
    "\n  query TicketMoreMessages($number: String!, $after: String!) {\n    ticket(number: $number) {\n      id\n      messages(first: 100, after: $after) {\n        edges {\n          node {\n            ...AgentMessageFields\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n": typeof types.TicketMoreMessagesDocument,
    "\n  query RequesterTickets($requesterId: ID!) {\n    tickets(first: 6, filter: { requesterId: $requesterId }, orderBy: { field: CREATED, direction: DESC }) {\n      nodes {\n        id\n        number\n        subject\n        status\n      }\n    }\n  }\n": typeof types.RequesterTicketsDocument,
    "\n  mutation TicketUpdate($input: UpdateTicketInput!) {\n    updateTicket(input: $input) {\n      ticket {\n        id\n        status\n        priority\n        tags\n        updatedAt\n        assignee {\n          id\n          name\n        }\n        category {\n          id\n          name\n        }\n      }\n    }\n  }\n": typeof types.TicketUpdateDocument,
    "\n  mutation TicketAddMessage($input: AddTicketMessageInput!) {\n    addTicketMessage(input: $input) {\n      message {\n        ...AgentMessageFields\n      }\n      ticket {\n        id\n        status\n        firstResponseAt\n      }\n    }\n  }\n": typeof types.TicketAddMessageDocument,
    "\n  mutation AcceptInvitation($input: AcceptInvitationInput!) {\n    acceptInvitation(input: $input) {\n      viewer {\n        id\n        role\n      }\n      organization {\n        id\n        name\n      }\n    }\n  }\n": typeof types.AcceptInvitationDocument,
    "\n  mutation ConfirmEmail($token: String!) {\n    confirmEmail(token: $token)\n  }\n": typeof types.ConfirmEmailDocument,
    "\n  mutation ConfirmEmailChange($token: String!) {\n    confirmEmailChange(token: $token)\n  }\n": typeof types.ConfirmEmailChangeDocument,
    "\n  mutation RequestPasswordReset($email: String!) {\n    requestPasswordReset(email: $email)\n  }\n": typeof types.RequestPasswordResetDocument,
    "\n  mutation SignUp($input: SignUpInput!) {\n    signUp(input: $input) {\n      viewer {\n        id\n        role\n      }\n      organization {\n        id\n        slug\n      }\n    }\n  }\n": typeof types.SignUpDocument,
    "\n  query DemoAvailable {\n    demoAvailable\n  }\n": typeof types.DemoAvailableDocument,
    "\n  mutation LogIn($input: LogInInput!) {\n    logIn(input: $input) {\n      viewer {\n        id\n        role\n      }\n    }\n  }\n": typeof types.LogInDocument,
    "\n  mutation ResetPassword($input: ResetPasswordInput!) {\n    resetPassword(input: $input) {\n      viewer {\n        id\n        role\n      }\n    }\n  }\n": typeof types.ResetPasswordDocument,
    "\n  query OverviewVolume {\n    openVolume {\n      open\n      p1\n      p2\n      p3\n      p4\n      breached\n    }\n  }\n": typeof types.OverviewVolumeDocument,
    "\n  fragment SlaReportRowFields on SlaReportRow {\n    key\n    label\n    tickets\n    resolved\n    responseCompliancePercent\n    resolutionCompliancePercent\n    mttrMinutes\n    medianFirstResponseMinutes\n  }\n": typeof types.SlaReportRowFieldsFragmentDoc,
    "\n  query OverviewReport($month: String!) {\n    slaReport(month: $month) {\n      month\n      timeZone\n      overall {\n        ...SlaReportRowFields\n      }\n      byPriority {\n        ...SlaReportRowFields\n      }\n      byCategory {\n        ...SlaReportRowFields\n      }\n      byAgent {\n        ...SlaReportRowFields\n      }\n      csv\n    }\n  }\n": typeof types.OverviewReportDocument,
    "\n  query MyRequests($status: [TicketStatus!]) {\n    tickets(first: 50, filter: { status: $status }, orderBy: { field: UPDATED, direction: DESC }) {\n      nodes {\n        id\n        number\n        kind\n        subject\n        status\n        updatedAt\n      }\n    }\n  }\n": typeof types.MyRequestsDocument,
    "\n  query PortalCategories {\n    organization {\n      id\n      categories {\n        id\n        name\n        parentId\n      }\n    }\n  }\n": typeof types.PortalCategoriesDocument,
    "\n  mutation SubmitRequest($input: CreateTicketInput!) {\n    createTicket(input: $input) {\n      ticket {\n        id\n        number\n      }\n    }\n  }\n": typeof types.SubmitRequestDocument,
    "\n  query MyRequest($number: String!) {\n    ticket(number: $number) {\n      id\n      number\n      kind\n      subject\n      description\n      status\n      createdAt\n      category {\n        id\n        name\n      }\n      requester {\n        id\n        name\n      }\n      messages(first: 100) {\n        edges {\n          node {\n            ...MessageFields\n          }\n        }\n      }\n      attachments {\n        id\n        filename\n        contentType\n        sizeBytes\n        inline\n        url\n      }\n    }\n  }\n": typeof types.MyRequestDocument,
    "\n  mutation PortalReply($input: AddTicketMessageInput!) {\n    addTicketMessage(input: $input) {\n      message {\n        id\n      }\n      ticket {\n        id\n        status\n      }\n    }\n  }\n": typeof types.PortalReplyDocument,
};
const documents: Documents = {
    "\n  query Viewer {\n    viewer {\n      id\n      name\n      email\n      role\n    }\n    account {\n      email\n      emailConfirmed\n    }\n    organization {\n      id\n      name\n      slug\n      timeZone\n      isDemo\n      demo {\n        nextResetAt\n      }\n    }\n  }\n": types.ViewerDocument,
    "\n  mutation LogOut {\n    logOut\n  }\n": types.LogOutDocument,
    "\n  query Subscription {\n    organization {\n      id\n      isDemo\n      subscription {\n        status\n        trialEndsAt\n        currentPeriodEnd\n        graceEndsAt\n        interval\n        cancelAtPeriodEnd\n        billingEnabled\n        yearlyAvailable\n        readOnly\n        readOnlyReason\n      }\n    }\n  }\n": types.SubscriptionDocument,
    "\n  subscription TicketChanged {\n    ticketChanged {\n      ticketId\n      number\n      kind\n    }\n  }\n": types.TicketChangedDocument,
    "\n  fragment MailAuthenticationFields on MailAuthentication {\n    authenticated\n    spf\n    dkim\n    dmarc\n    summary\n  }\n": types.MailAuthenticationFieldsFragmentDoc,
    "\n  mutation UpdateProfile($input: UpdateProfileInput!) {\n    updateProfile(input: $input) {\n      id\n      name\n    }\n  }\n": types.UpdateProfileDocument,
    "\n  mutation RequestEmailChange($input: RequestEmailChangeInput!) {\n    requestEmailChange(input: $input)\n  }\n": types.RequestEmailChangeDocument,
    "\n  mutation ChangePassword($input: ChangePasswordInput!) {\n    changePassword(input: $input)\n  }\n": types.ChangePasswordDocument,
    "\n  mutation StartCheckout($interval: BillingInterval!) {\n    startCheckout(interval: $interval) {\n      url\n    }\n  }\n": types.StartCheckoutDocument,
    "\n  mutation OpenBillingPortal {\n    openBillingPortal {\n      url\n    }\n  }\n": types.OpenBillingPortalDocument,
    "\n  mutation SaveCalendar($input: SaveBusinessCalendarInput!) {\n    saveBusinessCalendar(input: $input) {\n      calendar {\n        id\n        name\n        timeZone\n        workingHours {\n          day\n          start\n          end\n          overnight\n        }\n        holidays\n      }\n    }\n  }\n": types.SaveCalendarDocument,
    "\n  query AdminCatalog {\n    organization {\n      id\n      departments {\n        id\n        name\n      }\n      categories {\n        id\n        name\n        parentId\n        departmentId\n        position\n      }\n    }\n  }\n": types.AdminCatalogDocument,
    "\n  mutation CreateDepartment($name: String!) {\n    createDepartment(name: $name) {\n      id\n    }\n  }\n": types.CreateDepartmentDocument,
    "\n  mutation RenameDepartment($id: ID!, $name: String!) {\n    renameDepartment(id: $id, name: $name) {\n      id\n    }\n  }\n": types.RenameDepartmentDocument,
    "\n  mutation CreateCategory($input: CreateCategoryInput!) {\n    createCategory(input: $input) {\n      id\n    }\n  }\n": types.CreateCategoryDocument,
    "\n  mutation RenameCategory($id: ID!, $name: String!) {\n    renameCategory(id: $id, name: $name) {\n      id\n    }\n  }\n": types.RenameCategoryDocument,
    "\n  mutation DeleteCategory($id: ID!) {\n    deleteCategory(id: $id)\n  }\n": types.DeleteCategoryDocument,
    "\n  query AdminMailSetup {\n    organization {\n      id\n      name\n    }\n    mailSetup {\n      intakeAddress\n      fromName\n      signature\n      closedReply\n      acknowledge\n      unprovenReplies\n      quota {\n        sentLast24Hours\n        limit\n      }\n      aliases {\n        id\n        address\n        verifiedAt\n        createdAt\n      }\n    }\n    inboundMessages(status: QUARANTINED, first: 20) {\n      nodes {\n        id\n        receivedAt\n        from\n        mailFrom\n        subject\n        reason\n        authentication {\n          ...MailAuthenticationFields\n        }\n      }\n    }\n  }\n": types.AdminMailSetupDocument,
    "\n  mutation UpdateMailSettings($input: UpdateMailSettingsInput!) {\n    updateMailSettings(input: $input) {\n      fromName\n      signature\n      closedReply\n      acknowledge\n      unprovenReplies\n    }\n  }\n": types.UpdateMailSettingsDocument,
    "\n  mutation AddMailAlias($address: String!) {\n    addMailAlias(address: $address) {\n      id\n      address\n      verifiedAt\n      createdAt\n    }\n  }\n": types.AddMailAliasDocument,
    "\n  mutation VerifyMailAlias($id: ID!, $code: String!) {\n    verifyMailAlias(id: $id, code: $code) {\n      id\n      address\n      verifiedAt\n      createdAt\n    }\n  }\n": types.VerifyMailAliasDocument,
    "\n  mutation RemoveMailAlias($id: ID!) {\n    removeMailAlias(id: $id)\n  }\n": types.RemoveMailAliasDocument,
    "\n  mutation ReleaseInboundMessage($id: ID!) {\n    releaseInboundMessage(id: $id) {\n      id\n      status\n    }\n  }\n": types.ReleaseInboundMessageDocument,
    "\n  mutation DiscardInboundMessage($id: ID!) {\n    discardInboundMessage(id: $id) {\n      id\n      status\n    }\n  }\n": types.DiscardInboundMessageDocument,
    "\n  query AdminMembers($after: String) {\n    members(first: 100, after: $after) {\n      nodes {\n        id\n        name\n        email\n        role\n        status\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.AdminMembersDocument,
    "\n  mutation InviteMember($input: InviteMemberInput!) {\n    inviteMember(input: $input) {\n      invitation {\n        id\n        email\n        role\n        expiresAt\n      }\n    }\n  }\n": types.InviteMemberDocument,
    "\n  mutation UpdateMember($input: UpdateMemberInput!) {\n    updateMember(input: $input) {\n      id\n      role\n      status\n    }\n  }\n": types.UpdateMemberDocument,
    "\n  query Outbox {\n    outboundMessages(first: 50) {\n      edges {\n        node {\n          id\n          kind\n          recipients\n          subject\n          text\n          status\n          lastError\n          createdAt\n        }\n      }\n    }\n  }\n": types.OutboxDocument,
    "\n  query AdminSla {\n    organization {\n      id\n      timeZone\n      departments {\n        id\n        name\n      }\n    }\n    businessCalendars {\n      id\n      name\n      timeZone\n      workingHours {\n        day\n        start\n        end\n        overnight\n      }\n      holidays\n    }\n    slaPolicies {\n      id\n      departmentId\n      priority\n      calendarId\n      firstResponseMinutes\n      resolutionMinutes\n    }\n  }\n": types.AdminSlaDocument,
    "\n  mutation SetSlaPolicy($input: SetSlaPolicyInput!) {\n    setSlaPolicy(input: $input) {\n      policy {\n        id\n        departmentId\n        priority\n        calendarId\n        firstResponseMinutes\n        resolutionMinutes\n      }\n    }\n  }\n": types.SetSlaPolicyDocument,
    "\n  mutation DeleteCalendar($id: ID!) {\n    deleteBusinessCalendar(id: $id)\n  }\n": types.DeleteCalendarDocument,
    "\n  mutation CreateTicket($input: CreateTicketInput!) {\n    createTicket(input: $input) {\n      ticket {\n        id\n        number\n      }\n    }\n  }\n": types.CreateTicketDocument,
    "\n  query Notifications {\n    unreadNotificationCount\n    notifications(first: 15) {\n      nodes {\n        id\n        kind\n        title\n        ticketNumber\n        createdAt\n        readAt\n      }\n    }\n  }\n": types.NotificationsDocument,
    "\n  mutation MarkNotificationsRead($ids: [ID!]!) {\n    markNotificationsRead(ids: $ids)\n  }\n": types.MarkNotificationsReadDocument,
    "\n  query Queue($first: Int!, $after: String, $filter: TicketFilter, $orderBy: TicketOrder) {\n    tickets(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {\n      edges {\n        node {\n          id\n          number\n          kind\n          subject\n          status\n          priority\n          updatedAt\n          tags\n          requester {\n            id\n            name\n          }\n          assignee {\n            id\n            name\n          }\n          category {\n            id\n            name\n          }\n          sla {\n            responseDueAt\n            resolutionDueAt\n            responseBreached\n            resolutionBreached\n            responseAtRiskAt\n            resolutionAtRiskAt\n            paused\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.QueueDocument,
    "\n  mutation QueueUpdateTicket($input: UpdateTicketInput!) {\n    updateTicket(input: $input) {\n      ticket {\n        id\n        status\n        updatedAt\n        assignee {\n          id\n          name\n        }\n      }\n    }\n  }\n": types.QueueUpdateTicketDocument,
    "\n  query WorkspaceOptions {\n    members(first: 100, roles: [OWNER, ADMIN, AGENT]) {\n      nodes {\n        id\n        name\n        email\n        status\n      }\n    }\n    organization {\n      id\n      categories {\n        id\n        name\n        parentId\n      }\n    }\n  }\n": types.WorkspaceOptionsDocument,
    "\n  fragment MessageFields on TicketMessage {\n    id\n    body\n    internal\n    channel\n    createdAt\n    author {\n      id\n      name\n      email\n    }\n  }\n": types.MessageFieldsFragmentDoc,
    "\n  fragment AgentMessageFields on TicketMessage {\n    ...MessageFields\n    email {\n      authentication {\n        ...MailAuthenticationFields\n      }\n    }\n  }\n": types.AgentMessageFieldsFragmentDoc,
    "\n  query Ticket($number: String!) {\n    ticket(number: $number) {\n      id\n      number\n      kind\n      subject\n      description\n      status\n      priority\n      impact\n      urgency\n      channel\n      emailAuthentication {\n        ...MailAuthenticationFields\n      }\n      tags\n      createdAt\n      updatedAt\n      firstResponseAt\n      resolvedAt\n      reopenCount\n      requester {\n        id\n        name\n        email\n      }\n      assignee {\n        id\n        name\n      }\n      category {\n        id\n        name\n      }\n      sla {\n        responseDueAt\n        resolutionDueAt\n        responseBreached\n        resolutionBreached\n        responseAtRiskAt\n        resolutionAtRiskAt\n        paused\n        explanation {\n          label\n          pausedSince\n          pauseReason\n          response {\n            targetMinutes\n            usedMinutes\n            dueAt\n            metAt\n            breachedAt\n            atRisk\n          }\n          resolution {\n            targetMinutes\n            usedMinutes\n            dueAt\n            metAt\n            breachedAt\n            atRisk\n          }\n          timeline {\n            at\n            kind\n            detail\n          }\n        }\n      }\n      messages(first: 100) {\n        edges {\n          node {\n            ...AgentMessageFields\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n      attachments {\n        id\n        filename\n        contentType\n        sizeBytes\n        inline\n        url\n      }\n      events(first: 100) {\n        edges {\n          node {\n            id\n            action\n            changes\n            createdAt\n            actor {\n              id\n              name\n            }\n          }\n        }\n      }\n    }\n  }\n": types.TicketDocument,
    "\n  query TicketMoreMessages($number: String!, $after: String!) {\n    ticket(number: $number) {\n      id\n      messages(first: 100, after: $after) {\n        edges {\n          node {\n            ...AgentMessageFields\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n": types.TicketMoreMessagesDocument,
    "\n  query RequesterTickets($requesterId: ID!) {\n    tickets(first: 6, filter: { requesterId: $requesterId }, orderBy: { field: CREATED, direction: DESC }) {\n      nodes {\n        id\n        number\n        subject\n        status\n      }\n    }\n  }\n": types.RequesterTicketsDocument,
    "\n  mutation TicketUpdate($input: UpdateTicketInput!) {\n    updateTicket(input: $input) {\n      ticket {\n        id\n        status\n        priority\n        tags\n        updatedAt\n        assignee {\n          id\n          name\n        }\n        category {\n          id\n          name\n        }\n      }\n    }\n  }\n": types.TicketUpdateDocument,
    "\n  mutation TicketAddMessage($input: AddTicketMessageInput!) {\n    addTicketMessage(input: $input) {\n      message {\n        ...AgentMessageFields\n      }\n      ticket {\n        id\n        status\n        firstResponseAt\n      }\n    }\n  }\n": types.TicketAddMessageDocument,
    "\n  mutation AcceptInvitation($input: AcceptInvitationInput!) {\n    acceptInvitation(input: $input) {\n      viewer {\n        id\n        role\n      }\n      organization {\n        id\n        name\n      }\n    }\n  }\n": types.AcceptInvitationDocument,
    "\n  mutation ConfirmEmail($token: String!) {\n    confirmEmail(token: $token)\n  }\n": types.ConfirmEmailDocument,
    "\n  mutation ConfirmEmailChange($token: String!) {\n    confirmEmailChange(token: $token)\n  }\n": types.ConfirmEmailChangeDocument,
    "\n  mutation RequestPasswordReset($email: String!) {\n    requestPasswordReset(email: $email)\n  }\n": types.RequestPasswordResetDocument,
    "\n  mutation SignUp($input: SignUpInput!) {\n    signUp(input: $input) {\n      viewer {\n        id\n        role\n      }\n      organization {\n        id\n        slug\n      }\n    }\n  }\n": types.SignUpDocument,
    "\n  query DemoAvailable {\n    demoAvailable\n  }\n": types.DemoAvailableDocument,
    "\n  mutation LogIn($input: LogInInput!) {\n    logIn(input: $input) {\n      viewer {\n        id\n        role\n      }\n    }\n  }\n": types.LogInDocument,
    "\n  mutation ResetPassword($input: ResetPasswordInput!) {\n    resetPassword(input: $input) {\n      viewer {\n        id\n        role\n      }\n    }\n  }\n": types.ResetPasswordDocument,
    "\n  query OverviewVolume {\n    openVolume {\n      open\n      p1\n      p2\n      p3\n      p4\n      breached\n    }\n  }\n": types.OverviewVolumeDocument,
    "\n  fragment SlaReportRowFields on SlaReportRow {\n    key\n    label\n    tickets\n    resolved\n    responseCompliancePercent\n    resolutionCompliancePercent\n    mttrMinutes\n    medianFirstResponseMinutes\n  }\n": types.SlaReportRowFieldsFragmentDoc,
    "\n  query OverviewReport($month: String!) {\n    slaReport(month: $month) {\n      month\n      timeZone\n      overall {\n        ...SlaReportRowFields\n      }\n      byPriority {\n        ...SlaReportRowFields\n      }\n      byCategory {\n        ...SlaReportRowFields\n      }\n      byAgent {\n        ...SlaReportRowFields\n      }\n      csv\n    }\n  }\n": types.OverviewReportDocument,
    "\n  query MyRequests($status: [TicketStatus!]) {\n    tickets(first: 50, filter: { status: $status }, orderBy: { field: UPDATED, direction: DESC }) {\n      nodes {\n        id\n        number\n        kind\n        subject\n        status\n        updatedAt\n      }\n    }\n  }\n": types.MyRequestsDocument,
    "\n  query PortalCategories {\n    organization {\n      id\n      categories {\n        id\n        name\n        parentId\n      }\n    }\n  }\n": types.PortalCategoriesDocument,
    "\n  mutation SubmitRequest($input: CreateTicketInput!) {\n    createTicket(input: $input) {\n      ticket {\n        id\n        number\n      }\n    }\n  }\n": types.SubmitRequestDocument,
    "\n  query MyRequest($number: String!) {\n    ticket(number: $number) {\n      id\n      number\n      kind\n      subject\n      description\n      status\n      createdAt\n      category {\n        id\n        name\n      }\n      requester {\n        id\n        name\n      }\n      messages(first: 100) {\n        edges {\n          node {\n            ...MessageFields\n          }\n        }\n      }\n      attachments {\n        id\n        filename\n        contentType\n        sizeBytes\n        inline\n        url\n      }\n    }\n  }\n": types.MyRequestDocument,
    "\n  mutation PortalReply($input: AddTicketMessageInput!) {\n    addTicketMessage(input: $input) {\n      message {\n        id\n      }\n      ticket {\n        id\n        status\n      }\n    }\n  }\n": types.PortalReplyDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Viewer {\n    viewer {\n      id\n      name\n      email\n      role\n    }\n    account {\n      email\n      emailConfirmed\n    }\n    organization {\n      id\n      name\n      slug\n      timeZone\n      isDemo\n      demo {\n        nextResetAt\n      }\n    }\n  }\n"): (typeof documents)["\n  query Viewer {\n    viewer {\n      id\n      name\n      email\n      role\n    }\n    account {\n      email\n      emailConfirmed\n    }\n    organization {\n      id\n      name\n      slug\n      timeZone\n      isDemo\n      demo {\n        nextResetAt\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation LogOut {\n    logOut\n  }\n"): (typeof documents)["\n  mutation LogOut {\n    logOut\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Subscription {\n    organization {\n      id\n      isDemo\n      subscription {\n        status\n        trialEndsAt\n        currentPeriodEnd\n        graceEndsAt\n        interval\n        cancelAtPeriodEnd\n        billingEnabled\n        yearlyAvailable\n        readOnly\n        readOnlyReason\n      }\n    }\n  }\n"): (typeof documents)["\n  query Subscription {\n    organization {\n      id\n      isDemo\n      subscription {\n        status\n        trialEndsAt\n        currentPeriodEnd\n        graceEndsAt\n        interval\n        cancelAtPeriodEnd\n        billingEnabled\n        yearlyAvailable\n        readOnly\n        readOnlyReason\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription TicketChanged {\n    ticketChanged {\n      ticketId\n      number\n      kind\n    }\n  }\n"): (typeof documents)["\n  subscription TicketChanged {\n    ticketChanged {\n      ticketId\n      number\n      kind\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment MailAuthenticationFields on MailAuthentication {\n    authenticated\n    spf\n    dkim\n    dmarc\n    summary\n  }\n"): (typeof documents)["\n  fragment MailAuthenticationFields on MailAuthentication {\n    authenticated\n    spf\n    dkim\n    dmarc\n    summary\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateProfile($input: UpdateProfileInput!) {\n    updateProfile(input: $input) {\n      id\n      name\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateProfile($input: UpdateProfileInput!) {\n    updateProfile(input: $input) {\n      id\n      name\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RequestEmailChange($input: RequestEmailChangeInput!) {\n    requestEmailChange(input: $input)\n  }\n"): (typeof documents)["\n  mutation RequestEmailChange($input: RequestEmailChangeInput!) {\n    requestEmailChange(input: $input)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ChangePassword($input: ChangePasswordInput!) {\n    changePassword(input: $input)\n  }\n"): (typeof documents)["\n  mutation ChangePassword($input: ChangePasswordInput!) {\n    changePassword(input: $input)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation StartCheckout($interval: BillingInterval!) {\n    startCheckout(interval: $interval) {\n      url\n    }\n  }\n"): (typeof documents)["\n  mutation StartCheckout($interval: BillingInterval!) {\n    startCheckout(interval: $interval) {\n      url\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation OpenBillingPortal {\n    openBillingPortal {\n      url\n    }\n  }\n"): (typeof documents)["\n  mutation OpenBillingPortal {\n    openBillingPortal {\n      url\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SaveCalendar($input: SaveBusinessCalendarInput!) {\n    saveBusinessCalendar(input: $input) {\n      calendar {\n        id\n        name\n        timeZone\n        workingHours {\n          day\n          start\n          end\n          overnight\n        }\n        holidays\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation SaveCalendar($input: SaveBusinessCalendarInput!) {\n    saveBusinessCalendar(input: $input) {\n      calendar {\n        id\n        name\n        timeZone\n        workingHours {\n          day\n          start\n          end\n          overnight\n        }\n        holidays\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AdminCatalog {\n    organization {\n      id\n      departments {\n        id\n        name\n      }\n      categories {\n        id\n        name\n        parentId\n        departmentId\n        position\n      }\n    }\n  }\n"): (typeof documents)["\n  query AdminCatalog {\n    organization {\n      id\n      departments {\n        id\n        name\n      }\n      categories {\n        id\n        name\n        parentId\n        departmentId\n        position\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateDepartment($name: String!) {\n    createDepartment(name: $name) {\n      id\n    }\n  }\n"): (typeof documents)["\n  mutation CreateDepartment($name: String!) {\n    createDepartment(name: $name) {\n      id\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RenameDepartment($id: ID!, $name: String!) {\n    renameDepartment(id: $id, name: $name) {\n      id\n    }\n  }\n"): (typeof documents)["\n  mutation RenameDepartment($id: ID!, $name: String!) {\n    renameDepartment(id: $id, name: $name) {\n      id\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateCategory($input: CreateCategoryInput!) {\n    createCategory(input: $input) {\n      id\n    }\n  }\n"): (typeof documents)["\n  mutation CreateCategory($input: CreateCategoryInput!) {\n    createCategory(input: $input) {\n      id\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RenameCategory($id: ID!, $name: String!) {\n    renameCategory(id: $id, name: $name) {\n      id\n    }\n  }\n"): (typeof documents)["\n  mutation RenameCategory($id: ID!, $name: String!) {\n    renameCategory(id: $id, name: $name) {\n      id\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteCategory($id: ID!) {\n    deleteCategory(id: $id)\n  }\n"): (typeof documents)["\n  mutation DeleteCategory($id: ID!) {\n    deleteCategory(id: $id)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AdminMailSetup {\n    organization {\n      id\n      name\n    }\n    mailSetup {\n      intakeAddress\n      fromName\n      signature\n      closedReply\n      acknowledge\n      unprovenReplies\n      quota {\n        sentLast24Hours\n        limit\n      }\n      aliases {\n        id\n        address\n        verifiedAt\n        createdAt\n      }\n    }\n    inboundMessages(status: QUARANTINED, first: 20) {\n      nodes {\n        id\n        receivedAt\n        from\n        mailFrom\n        subject\n        reason\n        authentication {\n          ...MailAuthenticationFields\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query AdminMailSetup {\n    organization {\n      id\n      name\n    }\n    mailSetup {\n      intakeAddress\n      fromName\n      signature\n      closedReply\n      acknowledge\n      unprovenReplies\n      quota {\n        sentLast24Hours\n        limit\n      }\n      aliases {\n        id\n        address\n        verifiedAt\n        createdAt\n      }\n    }\n    inboundMessages(status: QUARANTINED, first: 20) {\n      nodes {\n        id\n        receivedAt\n        from\n        mailFrom\n        subject\n        reason\n        authentication {\n          ...MailAuthenticationFields\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateMailSettings($input: UpdateMailSettingsInput!) {\n    updateMailSettings(input: $input) {\n      fromName\n      signature\n      closedReply\n      acknowledge\n      unprovenReplies\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateMailSettings($input: UpdateMailSettingsInput!) {\n    updateMailSettings(input: $input) {\n      fromName\n      signature\n      closedReply\n      acknowledge\n      unprovenReplies\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AddMailAlias($address: String!) {\n    addMailAlias(address: $address) {\n      id\n      address\n      verifiedAt\n      createdAt\n    }\n  }\n"): (typeof documents)["\n  mutation AddMailAlias($address: String!) {\n    addMailAlias(address: $address) {\n      id\n      address\n      verifiedAt\n      createdAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation VerifyMailAlias($id: ID!, $code: String!) {\n    verifyMailAlias(id: $id, code: $code) {\n      id\n      address\n      verifiedAt\n      createdAt\n    }\n  }\n"): (typeof documents)["\n  mutation VerifyMailAlias($id: ID!, $code: String!) {\n    verifyMailAlias(id: $id, code: $code) {\n      id\n      address\n      verifiedAt\n      createdAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RemoveMailAlias($id: ID!) {\n    removeMailAlias(id: $id)\n  }\n"): (typeof documents)["\n  mutation RemoveMailAlias($id: ID!) {\n    removeMailAlias(id: $id)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ReleaseInboundMessage($id: ID!) {\n    releaseInboundMessage(id: $id) {\n      id\n      status\n    }\n  }\n"): (typeof documents)["\n  mutation ReleaseInboundMessage($id: ID!) {\n    releaseInboundMessage(id: $id) {\n      id\n      status\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DiscardInboundMessage($id: ID!) {\n    discardInboundMessage(id: $id) {\n      id\n      status\n    }\n  }\n"): (typeof documents)["\n  mutation DiscardInboundMessage($id: ID!) {\n    discardInboundMessage(id: $id) {\n      id\n      status\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AdminMembers($after: String) {\n    members(first: 100, after: $after) {\n      nodes {\n        id\n        name\n        email\n        role\n        status\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"): (typeof documents)["\n  query AdminMembers($after: String) {\n    members(first: 100, after: $after) {\n      nodes {\n        id\n        name\n        email\n        role\n        status\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation InviteMember($input: InviteMemberInput!) {\n    inviteMember(input: $input) {\n      invitation {\n        id\n        email\n        role\n        expiresAt\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation InviteMember($input: InviteMemberInput!) {\n    inviteMember(input: $input) {\n      invitation {\n        id\n        email\n        role\n        expiresAt\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateMember($input: UpdateMemberInput!) {\n    updateMember(input: $input) {\n      id\n      role\n      status\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateMember($input: UpdateMemberInput!) {\n    updateMember(input: $input) {\n      id\n      role\n      status\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Outbox {\n    outboundMessages(first: 50) {\n      edges {\n        node {\n          id\n          kind\n          recipients\n          subject\n          text\n          status\n          lastError\n          createdAt\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Outbox {\n    outboundMessages(first: 50) {\n      edges {\n        node {\n          id\n          kind\n          recipients\n          subject\n          text\n          status\n          lastError\n          createdAt\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AdminSla {\n    organization {\n      id\n      timeZone\n      departments {\n        id\n        name\n      }\n    }\n    businessCalendars {\n      id\n      name\n      timeZone\n      workingHours {\n        day\n        start\n        end\n        overnight\n      }\n      holidays\n    }\n    slaPolicies {\n      id\n      departmentId\n      priority\n      calendarId\n      firstResponseMinutes\n      resolutionMinutes\n    }\n  }\n"): (typeof documents)["\n  query AdminSla {\n    organization {\n      id\n      timeZone\n      departments {\n        id\n        name\n      }\n    }\n    businessCalendars {\n      id\n      name\n      timeZone\n      workingHours {\n        day\n        start\n        end\n        overnight\n      }\n      holidays\n    }\n    slaPolicies {\n      id\n      departmentId\n      priority\n      calendarId\n      firstResponseMinutes\n      resolutionMinutes\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetSlaPolicy($input: SetSlaPolicyInput!) {\n    setSlaPolicy(input: $input) {\n      policy {\n        id\n        departmentId\n        priority\n        calendarId\n        firstResponseMinutes\n        resolutionMinutes\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation SetSlaPolicy($input: SetSlaPolicyInput!) {\n    setSlaPolicy(input: $input) {\n      policy {\n        id\n        departmentId\n        priority\n        calendarId\n        firstResponseMinutes\n        resolutionMinutes\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteCalendar($id: ID!) {\n    deleteBusinessCalendar(id: $id)\n  }\n"): (typeof documents)["\n  mutation DeleteCalendar($id: ID!) {\n    deleteBusinessCalendar(id: $id)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateTicket($input: CreateTicketInput!) {\n    createTicket(input: $input) {\n      ticket {\n        id\n        number\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation CreateTicket($input: CreateTicketInput!) {\n    createTicket(input: $input) {\n      ticket {\n        id\n        number\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Notifications {\n    unreadNotificationCount\n    notifications(first: 15) {\n      nodes {\n        id\n        kind\n        title\n        ticketNumber\n        createdAt\n        readAt\n      }\n    }\n  }\n"): (typeof documents)["\n  query Notifications {\n    unreadNotificationCount\n    notifications(first: 15) {\n      nodes {\n        id\n        kind\n        title\n        ticketNumber\n        createdAt\n        readAt\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation MarkNotificationsRead($ids: [ID!]!) {\n    markNotificationsRead(ids: $ids)\n  }\n"): (typeof documents)["\n  mutation MarkNotificationsRead($ids: [ID!]!) {\n    markNotificationsRead(ids: $ids)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Queue($first: Int!, $after: String, $filter: TicketFilter, $orderBy: TicketOrder) {\n    tickets(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {\n      edges {\n        node {\n          id\n          number\n          kind\n          subject\n          status\n          priority\n          updatedAt\n          tags\n          requester {\n            id\n            name\n          }\n          assignee {\n            id\n            name\n          }\n          category {\n            id\n            name\n          }\n          sla {\n            responseDueAt\n            resolutionDueAt\n            responseBreached\n            resolutionBreached\n            responseAtRiskAt\n            resolutionAtRiskAt\n            paused\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"): (typeof documents)["\n  query Queue($first: Int!, $after: String, $filter: TicketFilter, $orderBy: TicketOrder) {\n    tickets(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {\n      edges {\n        node {\n          id\n          number\n          kind\n          subject\n          status\n          priority\n          updatedAt\n          tags\n          requester {\n            id\n            name\n          }\n          assignee {\n            id\n            name\n          }\n          category {\n            id\n            name\n          }\n          sla {\n            responseDueAt\n            resolutionDueAt\n            responseBreached\n            resolutionBreached\n            responseAtRiskAt\n            resolutionAtRiskAt\n            paused\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation QueueUpdateTicket($input: UpdateTicketInput!) {\n    updateTicket(input: $input) {\n      ticket {\n        id\n        status\n        updatedAt\n        assignee {\n          id\n          name\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation QueueUpdateTicket($input: UpdateTicketInput!) {\n    updateTicket(input: $input) {\n      ticket {\n        id\n        status\n        updatedAt\n        assignee {\n          id\n          name\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WorkspaceOptions {\n    members(first: 100, roles: [OWNER, ADMIN, AGENT]) {\n      nodes {\n        id\n        name\n        email\n        status\n      }\n    }\n    organization {\n      id\n      categories {\n        id\n        name\n        parentId\n      }\n    }\n  }\n"): (typeof documents)["\n  query WorkspaceOptions {\n    members(first: 100, roles: [OWNER, ADMIN, AGENT]) {\n      nodes {\n        id\n        name\n        email\n        status\n      }\n    }\n    organization {\n      id\n      categories {\n        id\n        name\n        parentId\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment MessageFields on TicketMessage {\n    id\n    body\n    internal\n    channel\n    createdAt\n    author {\n      id\n      name\n      email\n    }\n  }\n"): (typeof documents)["\n  fragment MessageFields on TicketMessage {\n    id\n    body\n    internal\n    channel\n    createdAt\n    author {\n      id\n      name\n      email\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment AgentMessageFields on TicketMessage {\n    ...MessageFields\n    email {\n      authentication {\n        ...MailAuthenticationFields\n      }\n    }\n  }\n"): (typeof documents)["\n  fragment AgentMessageFields on TicketMessage {\n    ...MessageFields\n    email {\n      authentication {\n        ...MailAuthenticationFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Ticket($number: String!) {\n    ticket(number: $number) {\n      id\n      number\n      kind\n      subject\n      description\n      status\n      priority\n      impact\n      urgency\n      channel\n      emailAuthentication {\n        ...MailAuthenticationFields\n      }\n      tags\n      createdAt\n      updatedAt\n      firstResponseAt\n      resolvedAt\n      reopenCount\n      requester {\n        id\n        name\n        email\n      }\n      assignee {\n        id\n        name\n      }\n      category {\n        id\n        name\n      }\n      sla {\n        responseDueAt\n        resolutionDueAt\n        responseBreached\n        resolutionBreached\n        responseAtRiskAt\n        resolutionAtRiskAt\n        paused\n        explanation {\n          label\n          pausedSince\n          pauseReason\n          response {\n            targetMinutes\n            usedMinutes\n            dueAt\n            metAt\n            breachedAt\n            atRisk\n          }\n          resolution {\n            targetMinutes\n            usedMinutes\n            dueAt\n            metAt\n            breachedAt\n            atRisk\n          }\n          timeline {\n            at\n            kind\n            detail\n          }\n        }\n      }\n      messages(first: 100) {\n        edges {\n          node {\n            ...AgentMessageFields\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n      attachments {\n        id\n        filename\n        contentType\n        sizeBytes\n        inline\n        url\n      }\n      events(first: 100) {\n        edges {\n          node {\n            id\n            action\n            changes\n            createdAt\n            actor {\n              id\n              name\n            }\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Ticket($number: String!) {\n    ticket(number: $number) {\n      id\n      number\n      kind\n      subject\n      description\n      status\n      priority\n      impact\n      urgency\n      channel\n      emailAuthentication {\n        ...MailAuthenticationFields\n      }\n      tags\n      createdAt\n      updatedAt\n      firstResponseAt\n      resolvedAt\n      reopenCount\n      requester {\n        id\n        name\n        email\n      }\n      assignee {\n        id\n        name\n      }\n      category {\n        id\n        name\n      }\n      sla {\n        responseDueAt\n        resolutionDueAt\n        responseBreached\n        resolutionBreached\n        responseAtRiskAt\n        resolutionAtRiskAt\n        paused\n        explanation {\n          label\n          pausedSince\n          pauseReason\n          response {\n            targetMinutes\n            usedMinutes\n            dueAt\n            metAt\n            breachedAt\n            atRisk\n          }\n          resolution {\n            targetMinutes\n            usedMinutes\n            dueAt\n            metAt\n            breachedAt\n            atRisk\n          }\n          timeline {\n            at\n            kind\n            detail\n          }\n        }\n      }\n      messages(first: 100) {\n        edges {\n          node {\n            ...AgentMessageFields\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n      attachments {\n        id\n        filename\n        contentType\n        sizeBytes\n        inline\n        url\n      }\n      events(first: 100) {\n        edges {\n          node {\n            id\n            action\n            changes\n            createdAt\n            actor {\n              id\n              name\n            }\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query TicketMoreMessages($number: String!, $after: String!) {\n    ticket(number: $number) {\n      id\n      messages(first: 100, after: $after) {\n        edges {\n          node {\n            ...AgentMessageFields\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query TicketMoreMessages($number: String!, $after: String!) {\n    ticket(number: $number) {\n      id\n      messages(first: 100, after: $after) {\n        edges {\n          node {\n            ...AgentMessageFields\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query RequesterTickets($requesterId: ID!) {\n    tickets(first: 6, filter: { requesterId: $requesterId }, orderBy: { field: CREATED, direction: DESC }) {\n      nodes {\n        id\n        number\n        subject\n        status\n      }\n    }\n  }\n"): (typeof documents)["\n  query RequesterTickets($requesterId: ID!) {\n    tickets(first: 6, filter: { requesterId: $requesterId }, orderBy: { field: CREATED, direction: DESC }) {\n      nodes {\n        id\n        number\n        subject\n        status\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation TicketUpdate($input: UpdateTicketInput!) {\n    updateTicket(input: $input) {\n      ticket {\n        id\n        status\n        priority\n        tags\n        updatedAt\n        assignee {\n          id\n          name\n        }\n        category {\n          id\n          name\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation TicketUpdate($input: UpdateTicketInput!) {\n    updateTicket(input: $input) {\n      ticket {\n        id\n        status\n        priority\n        tags\n        updatedAt\n        assignee {\n          id\n          name\n        }\n        category {\n          id\n          name\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation TicketAddMessage($input: AddTicketMessageInput!) {\n    addTicketMessage(input: $input) {\n      message {\n        ...AgentMessageFields\n      }\n      ticket {\n        id\n        status\n        firstResponseAt\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation TicketAddMessage($input: AddTicketMessageInput!) {\n    addTicketMessage(input: $input) {\n      message {\n        ...AgentMessageFields\n      }\n      ticket {\n        id\n        status\n        firstResponseAt\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AcceptInvitation($input: AcceptInvitationInput!) {\n    acceptInvitation(input: $input) {\n      viewer {\n        id\n        role\n      }\n      organization {\n        id\n        name\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation AcceptInvitation($input: AcceptInvitationInput!) {\n    acceptInvitation(input: $input) {\n      viewer {\n        id\n        role\n      }\n      organization {\n        id\n        name\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConfirmEmail($token: String!) {\n    confirmEmail(token: $token)\n  }\n"): (typeof documents)["\n  mutation ConfirmEmail($token: String!) {\n    confirmEmail(token: $token)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConfirmEmailChange($token: String!) {\n    confirmEmailChange(token: $token)\n  }\n"): (typeof documents)["\n  mutation ConfirmEmailChange($token: String!) {\n    confirmEmailChange(token: $token)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RequestPasswordReset($email: String!) {\n    requestPasswordReset(email: $email)\n  }\n"): (typeof documents)["\n  mutation RequestPasswordReset($email: String!) {\n    requestPasswordReset(email: $email)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SignUp($input: SignUpInput!) {\n    signUp(input: $input) {\n      viewer {\n        id\n        role\n      }\n      organization {\n        id\n        slug\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation SignUp($input: SignUpInput!) {\n    signUp(input: $input) {\n      viewer {\n        id\n        role\n      }\n      organization {\n        id\n        slug\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DemoAvailable {\n    demoAvailable\n  }\n"): (typeof documents)["\n  query DemoAvailable {\n    demoAvailable\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation LogIn($input: LogInInput!) {\n    logIn(input: $input) {\n      viewer {\n        id\n        role\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation LogIn($input: LogInInput!) {\n    logIn(input: $input) {\n      viewer {\n        id\n        role\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ResetPassword($input: ResetPasswordInput!) {\n    resetPassword(input: $input) {\n      viewer {\n        id\n        role\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation ResetPassword($input: ResetPasswordInput!) {\n    resetPassword(input: $input) {\n      viewer {\n        id\n        role\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query OverviewVolume {\n    openVolume {\n      open\n      p1\n      p2\n      p3\n      p4\n      breached\n    }\n  }\n"): (typeof documents)["\n  query OverviewVolume {\n    openVolume {\n      open\n      p1\n      p2\n      p3\n      p4\n      breached\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment SlaReportRowFields on SlaReportRow {\n    key\n    label\n    tickets\n    resolved\n    responseCompliancePercent\n    resolutionCompliancePercent\n    mttrMinutes\n    medianFirstResponseMinutes\n  }\n"): (typeof documents)["\n  fragment SlaReportRowFields on SlaReportRow {\n    key\n    label\n    tickets\n    resolved\n    responseCompliancePercent\n    resolutionCompliancePercent\n    mttrMinutes\n    medianFirstResponseMinutes\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query OverviewReport($month: String!) {\n    slaReport(month: $month) {\n      month\n      timeZone\n      overall {\n        ...SlaReportRowFields\n      }\n      byPriority {\n        ...SlaReportRowFields\n      }\n      byCategory {\n        ...SlaReportRowFields\n      }\n      byAgent {\n        ...SlaReportRowFields\n      }\n      csv\n    }\n  }\n"): (typeof documents)["\n  query OverviewReport($month: String!) {\n    slaReport(month: $month) {\n      month\n      timeZone\n      overall {\n        ...SlaReportRowFields\n      }\n      byPriority {\n        ...SlaReportRowFields\n      }\n      byCategory {\n        ...SlaReportRowFields\n      }\n      byAgent {\n        ...SlaReportRowFields\n      }\n      csv\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MyRequests($status: [TicketStatus!]) {\n    tickets(first: 50, filter: { status: $status }, orderBy: { field: UPDATED, direction: DESC }) {\n      nodes {\n        id\n        number\n        kind\n        subject\n        status\n        updatedAt\n      }\n    }\n  }\n"): (typeof documents)["\n  query MyRequests($status: [TicketStatus!]) {\n    tickets(first: 50, filter: { status: $status }, orderBy: { field: UPDATED, direction: DESC }) {\n      nodes {\n        id\n        number\n        kind\n        subject\n        status\n        updatedAt\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PortalCategories {\n    organization {\n      id\n      categories {\n        id\n        name\n        parentId\n      }\n    }\n  }\n"): (typeof documents)["\n  query PortalCategories {\n    organization {\n      id\n      categories {\n        id\n        name\n        parentId\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SubmitRequest($input: CreateTicketInput!) {\n    createTicket(input: $input) {\n      ticket {\n        id\n        number\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation SubmitRequest($input: CreateTicketInput!) {\n    createTicket(input: $input) {\n      ticket {\n        id\n        number\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MyRequest($number: String!) {\n    ticket(number: $number) {\n      id\n      number\n      kind\n      subject\n      description\n      status\n      createdAt\n      category {\n        id\n        name\n      }\n      requester {\n        id\n        name\n      }\n      messages(first: 100) {\n        edges {\n          node {\n            ...MessageFields\n          }\n        }\n      }\n      attachments {\n        id\n        filename\n        contentType\n        sizeBytes\n        inline\n        url\n      }\n    }\n  }\n"): (typeof documents)["\n  query MyRequest($number: String!) {\n    ticket(number: $number) {\n      id\n      number\n      kind\n      subject\n      description\n      status\n      createdAt\n      category {\n        id\n        name\n      }\n      requester {\n        id\n        name\n      }\n      messages(first: 100) {\n        edges {\n          node {\n            ...MessageFields\n          }\n        }\n      }\n      attachments {\n        id\n        filename\n        contentType\n        sizeBytes\n        inline\n        url\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation PortalReply($input: AddTicketMessageInput!) {\n    addTicketMessage(input: $input) {\n      message {\n        id\n      }\n      ticket {\n        id\n        status\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation PortalReply($input: AddTicketMessageInput!) {\n    addTicketMessage(input: $input) {\n      message {\n        id\n      }\n      ticket {\n        id\n        status\n      }\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;