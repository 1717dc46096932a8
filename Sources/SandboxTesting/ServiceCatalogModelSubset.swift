import Foundation

/// The input shapes of the Service Catalog operations the fake serves, extracted from botocore 1.43.11's model
/// `servicecatalog/2015-12-10/service-2.json.gz` (every shape reachable from the eight operations' inputs, keeping
/// `type`, `required`, `members`, `member`, `key`, `value`, `min`, `max`, `enum` and `pattern`).
enum ServiceCatalogModelSubset {
    static let json = #"""
        {"operations":{"DescribeProduct":"DescribeProductInput","DescribeProvisionedProduct":"DescribeProvisionedProductInput","DescribeProvisioningArtifact":"DescribeProvisioningArtifactInput","DescribeRecord":"DescribeRecordInput","GetProvisionedProductOutputs":"GetProvisionedProductOutputsInput","ProvisionProduct":"ProvisionProductInput","SearchProvisionedProducts":"SearchProvisionedProductsInput","TerminateProvisionedProduct":"TerminateProvisionedProductInput"},"shapes":{
         "AcceptLanguage":{"max":100,"type":"string"},
         "AccessLevelFilter":{"members":{"Key":"AccessLevelFilterKey","Value":"AccessLevelFilterValue"},"type":"structure"},
         "AccessLevelFilterKey":{"enum":["Account","Role","User"],"type":"string"},
         "AccessLevelFilterValue":{"type":"string"},
         "AccountId":{"pattern":"^[0-9]{12}$","type":"string"},
         "Boolean":{"type":"boolean"},
         "DescribeProductInput":{"members":{"AcceptLanguage":"AcceptLanguage","Id":"Id","Name":"ProductViewName"},"type":"structure"},
         "DescribeProvisionedProductInput":{"members":{"AcceptLanguage":"AcceptLanguage","Id":"Id","Name":"ProvisionedProductName"},"type":"structure"},
         "DescribeProvisioningArtifactInput":{"members":{"AcceptLanguage":"AcceptLanguage","IncludeProvisioningArtifactParameters":"Boolean","ProductId":"Id","ProductName":"ProductViewName","ProvisioningArtifactId":"Id","ProvisioningArtifactName":"ProvisioningArtifactName","Verbose":"Verbose"},"type":"structure"},
         "DescribeRecordInput":{"members":{"AcceptLanguage":"AcceptLanguage","Id":"Id","PageSize":"PageSize","PageToken":"PageToken"},"required":["Id"],"type":"structure"},
         "GetProvisionedProductOutputsInput":{"members":{"AcceptLanguage":"AcceptLanguage","OutputKeys":"OutputKeys","PageSize":"PageSize","PageToken":"PageToken","ProvisionedProductId":"Id","ProvisionedProductName":"ProvisionedProductName"},"type":"structure"},
         "Id":{"max":100,"min":1,"pattern":"^[a-zA-Z0-9_\\-]*","type":"string"},
         "IdempotencyToken":{"max":128,"min":1,"pattern":"[a-zA-Z0-9][a-zA-Z0-9_-]*","type":"string"},
         "IgnoreErrors":{"type":"boolean"},
         "NotificationArn":{"max":1224,"min":1,"pattern":"arn:[a-z0-9-\\.]{1,63}:[a-z0-9-\\.]{0,63}:[a-z0-9-\\.]{0,63}:[a-z0-9-\\.]{0,63}:[^/].{0,1023}","type":"string"},
         "NotificationArns":{"max":5,"member":"NotificationArn","type":"list"},
         "OutputKey":{"type":"string"},
         "OutputKeys":{"max":60,"member":"OutputKey","type":"list"},
         "PageSize":{"max":20,"min":0,"type":"integer"},
         "PageToken":{"max":2024,"pattern":"[\\u0009\\u000a\\u000d\\u0020-\\uD7FF\\uE000-\\uFFFD]*","type":"string"},
         "ParameterKey":{"max":1000,"min":1,"type":"string"},
         "ParameterValue":{"max":4096,"type":"string"},
         "PortfolioDisplayName":{"max":100,"min":1,"type":"string"},
         "ProductViewName":{"max":8191,"type":"string"},
         "ProvisionProductInput":{"members":{"AcceptLanguage":"AcceptLanguage","NotificationArns":"NotificationArns","PathId":"Id","PathName":"PortfolioDisplayName","ProductId":"Id","ProductName":"ProductViewName","ProvisionToken":"IdempotencyToken","ProvisionedProductName":"ProvisionedProductName","ProvisioningArtifactId":"Id","ProvisioningArtifactName":"ProvisioningArtifactName","ProvisioningParameters":"ProvisioningParameters","ProvisioningPreferences":"ProvisioningPreferences","Tags":"Tags"},"required":["ProvisionedProductName","ProvisionToken"],"type":"structure"},
         "ProvisionedProductFilters":{"key":"ProvisionedProductViewFilterBy","type":"map","value":"ProvisionedProductViewFilterValues"},
         "ProvisionedProductName":{"max":128,"min":1,"pattern":"[a-zA-Z0-9][a-zA-Z0-9._-]*","type":"string"},
         "ProvisionedProductNameOrArn":{"max":1224,"min":1,"pattern":"[a-zA-Z0-9][a-zA-Z0-9._-]{0,127}|arn:[a-z0-9-\\.]{1,63}:[a-z0-9-\\.]{0,63}:[a-z0-9-\\.]{0,63}:[a-z0-9-\\.]{0,63}:[^/].{0,1023}","type":"string"},
         "ProvisionedProductViewFilterBy":{"enum":["SearchQuery"],"type":"string"},
         "ProvisionedProductViewFilterValue":{"type":"string"},
         "ProvisionedProductViewFilterValues":{"member":"ProvisionedProductViewFilterValue","type":"list"},
         "ProvisioningArtifactName":{"max":8192,"type":"string"},
         "ProvisioningParameter":{"members":{"Key":"ParameterKey","Value":"ParameterValue"},"type":"structure"},
         "ProvisioningParameters":{"member":"ProvisioningParameter","type":"list"},
         "ProvisioningPreferences":{"members":{"StackSetAccounts":"StackSetAccounts","StackSetFailureToleranceCount":"StackSetFailureToleranceCount","StackSetFailureTolerancePercentage":"StackSetFailureTolerancePercentage","StackSetMaxConcurrencyCount":"StackSetMaxConcurrencyCount","StackSetMaxConcurrencyPercentage":"StackSetMaxConcurrencyPercentage","StackSetRegions":"StackSetRegions"},"type":"structure"},
         "Region":{"type":"string"},
         "RetainPhysicalResources":{"type":"boolean"},
         "SearchProvisionedProductsInput":{"members":{"AcceptLanguage":"AcceptLanguage","AccessLevelFilter":"AccessLevelFilter","Filters":"ProvisionedProductFilters","PageSize":"SearchProvisionedProductsPageSize","PageToken":"PageToken","SortBy":"SortField","SortOrder":"SortOrder"},"type":"structure"},
         "SearchProvisionedProductsPageSize":{"max":100,"min":0,"type":"integer"},
         "SortField":{"type":"string"},
         "SortOrder":{"enum":["ASCENDING","DESCENDING"],"type":"string"},
         "StackSetAccounts":{"member":"AccountId","type":"list"},
         "StackSetFailureToleranceCount":{"min":0,"type":"integer"},
         "StackSetFailureTolerancePercentage":{"max":100,"min":0,"type":"integer"},
         "StackSetMaxConcurrencyCount":{"min":1,"type":"integer"},
         "StackSetMaxConcurrencyPercentage":{"max":100,"min":1,"type":"integer"},
         "StackSetRegions":{"member":"Region","type":"list"},
         "Tag":{"members":{"Key":"TagKey","Value":"TagValue"},"required":["Key","Value"],"type":"structure"},
         "TagKey":{"max":128,"min":1,"pattern":"^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$","type":"string"},
         "TagValue":{"max":256,"min":1,"pattern":"^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$","type":"string"},
         "Tags":{"max":50,"member":"Tag","type":"list"},
         "TerminateProvisionedProductInput":{"members":{"AcceptLanguage":"AcceptLanguage","IgnoreErrors":"IgnoreErrors","ProvisionedProductId":"Id","ProvisionedProductName":"ProvisionedProductNameOrArn","RetainPhysicalResources":"RetainPhysicalResources","TerminateToken":"IdempotencyToken"},"required":["TerminateToken"],"type":"structure"},
         "Verbose":{"type":"boolean"}
        }}
        """#
}
